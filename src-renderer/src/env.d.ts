// Globals the renderer relies on: the preload's bridge (Electron only) and Vite's env flags.
import type { VigilApi } from '@contract';

declare global {
  interface Window {
    /** Present only inside Electron, exposed by the preload through contextBridge. */
    vigil?: VigilApi;
  }
  interface ImportMeta {
    readonly env: { readonly DEV: boolean; readonly PROD: boolean; readonly MODE: string };
  }
}

declare module '*.css';
