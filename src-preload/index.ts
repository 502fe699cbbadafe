// Exposes the contract to the sandboxed renderer as window.vigil, and nothing else. Built as one
// CommonJS file with no imports but electron: only types come from the contract.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { electronChannels, PushName, VigilApi } from '../src-main/ipc/contract.ts';

// Literal copies of electronChannels: importing the value would bundle the contract (and zod)
// into the preload. `satisfies` makes the typecheck fail if the two ever differ.
const channels = {
  invoke: 'vigil:invoke',
  push: 'vigil:push',
} as const satisfies typeof electronChannels;

const api: VigilApi = {
  call: (name, input) => ipcRenderer.invoke(channels.invoke, name, input),
  subscribe(name, listener) {
    const onPush = (_event: IpcRendererEvent, pushName: PushName, payload: unknown): void => {
      if (pushName === name) listener(payload as never);
    };
    ipcRenderer.on(channels.push, onPush);
    return () => {
      ipcRenderer.removeListener(channels.push, onPush);
    };
  },
};

contextBridge.exposeInMainWorld('vigil', api);
