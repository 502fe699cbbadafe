// The desktop folder dialog for project discovery, without Electron (its binary is absent here; the
// Electron launch test skips): the dialog offers a folder picker, a folder the operator picks is
// recorded as one discovery may read and answered by its real path, a cancel records nothing, and
// headless mode answers NOT_AVAILABLE saying where its folders come from.
import { describe, expect, it } from 'vitest';
import type { VigilCore } from '../../../src-main/core/app.ts';
import { createExportHandleBook } from '../../../src-main/ipc/export-handles.ts';
import {
  chosenProjectFolder,
  projectFolderDialogOptions,
} from '../../../src-main/ipc/project-folder-dialog.ts';
import { createContractServer } from '../../../src-main/ipc/server.ts';
import { fakeCore } from '../../helpers/fake-core.ts';

function recordingCore(): VigilCore & { calls: string[]; allowed: string[] } {
  const calls: string[] = [];
  const allowed: string[] = [];
  const core = fakeCore(
    (name) => {
      calls.push(name);
      return {};
    },
    {
      async allowProjectRoot(path) {
        allowed.push(path);
        return `/real${path}`;
      },
    },
  );
  return { ...core, calls, allowed };
}

describe('the project folder dialog', () => {
  it('offers to pick one folder, starting at the given one', () => {
    expect(projectFolderDialogOptions('/home/ops')).toEqual({
      title: 'Choose a Foundry or Hardhat project folder',
      defaultPath: '/home/ops',
      buttonLabel: 'Read deployments',
      properties: ['openDirectory', 'dontAddToRecent'],
    });
  });

  it('records the picked folder with the core and answers its real path; a cancel records nothing', async () => {
    const core = recordingCore();
    const allow = (path: string) => core.allowProjectRoot(path);
    expect(await chosenProjectFolder({ canceled: true, filePaths: ['/x'] }, allow)).toEqual({
      path: null,
    });
    expect(await chosenProjectFolder({ canceled: false, filePaths: [] }, allow)).toEqual({
      path: null,
    });
    expect(core.allowed).toEqual([]);
    expect(
      await chosenProjectFolder({ canceled: false, filePaths: ['/home/ops/protocol'] }, allow),
    ).toEqual({ path: '/real/home/ops/protocol' });
    expect(core.allowed).toEqual(['/home/ops/protocol']);
  });

  it('is asked of the shell through the contract; a window cannot hand it a folder', async () => {
    const core = recordingCore();
    const server = createContractServer(core, {
      exportHandles: createExportHandleBook(),
      handlers: {
        'dialog.chooseProjectFolder': () =>
          chosenProjectFolder({ canceled: false, filePaths: ['/picked'] }, (path) =>
            core.allowProjectRoot(path),
          ),
      },
    });
    expect(await server.handle('dialog.chooseProjectFolder', {})).toEqual({
      ok: true,
      value: { path: '/real/picked' },
    });
    // The request takes no input: a path sent along is refused before any dialog opens.
    expect(await server.handle('dialog.chooseProjectFolder', { path: '/etc' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    });
    expect(core.allowed).toEqual(['/picked']);
    expect(core.calls).toEqual([]);
  });

  it('is NOT_AVAILABLE in headless mode, which takes its folders from --project-root', async () => {
    const core = recordingCore();
    const answer = await createContractServer(core).handle('dialog.chooseProjectFolder', {});
    expect(answer).toEqual({
      ok: false,
      error: {
        code: 'NOT_AVAILABLE',
        message:
          'dialog.chooseProjectFolder is answered by the desktop app only; here, the project folders discovery may read are given to headless mode with --project-root DIR.',
      },
    });
    expect(core.allowed).toEqual([]);
  });
});
