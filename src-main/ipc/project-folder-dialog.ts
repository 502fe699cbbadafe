// What the desktop app's folder dialog for project discovery offers and answers, as plain data (no
// electron import), so it is unit-tested without Electron; src-main/electron/dialogs.ts shows it.
// The folder the operator picks is recorded by the core as one discovery may read: the dialog is
// the gesture a script in the window cannot make, so the window can only name folders a person
// chose there.

export interface ProjectFolderDialogOptions {
  title: string;
  defaultPath: string;
  buttonLabel: string;
  properties: ('openDirectory' | 'dontAddToRecent')[];
}

export function projectFolderDialogOptions(defaultDirectory: string): ProjectFolderDialogOptions {
  return {
    title: 'Choose a Foundry or Hardhat project folder',
    defaultPath: defaultDirectory,
    buttonLabel: 'Read deployments',
    properties: ['openDirectory', 'dontAddToRecent'],
  };
}

/**
 * The dialog's answer as the contract's: the chosen folder's real path, once the core has recorded
 * it as allowed; null when cancelled.
 */
export async function chosenProjectFolder(
  result: { canceled: boolean; filePaths: readonly string[] },
  allowProjectRoot: (path: string) => Promise<string>,
): Promise<{ path: string | null }> {
  const [path] = result.filePaths;
  if (result.canceled || path === undefined) return { path: null };
  return { path: await allowProjectRoot(path) };
}
