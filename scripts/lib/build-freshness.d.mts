/** Why out/ cannot be run as it is, or undefined when it holds a build of the current sources. */
export function staleBuildReason(root: string): string | undefined;
/** Runs `npx electron-vite build` when out/ is stale; throws when the build fails. */
export function ensureBuilt(root: string): void;
