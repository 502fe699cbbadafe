// The lint rules that keep electron and raw IPC in their rooms must actually fire.
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: process.cwd() });

async function ruleIds(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((message) => message.ruleId ?? message.message);
}

describe('room rules', () => {
  it('forbids importing electron outside src-main/electron and src-preload', async () => {
    const code = "import { app } from 'electron';\nexport const name = app.name;\n";
    expect(await ruleIds(code, 'src-main/core/watch/leak.ts')).toContain('no-restricted-imports');
    expect(await ruleIds(code, 'src-renderer/src/leak.ts')).toContain('no-restricted-imports');
    expect(await ruleIds(code, 'src-main/electron/window-extra.ts')).not.toContain(
      'no-restricted-imports',
    );
    expect(await ruleIds(code, 'src-preload/extra.ts')).not.toContain('no-restricted-imports');
  });

  it('forbids raw ipcMain / ipcRenderer outside the contract wiring', async () => {
    const main = "import { ipcMain } from 'electron';\nipcMain.handle('x', () => 1);\n";
    expect(await ruleIds(main, 'src-main/electron/menu.ts')).toContain('no-restricted-syntax');
    expect(await ruleIds(main, 'src-main/electron/ipc.ts')).not.toContain('no-restricted-syntax');
    const preload = "import { ipcRenderer } from 'electron';\nipcRenderer.send('x');\n";
    expect(await ruleIds(preload, 'src-preload/other.ts')).toContain('no-restricted-syntax');
    expect(await ruleIds(preload, 'src-preload/index.ts')).not.toContain('no-restricted-syntax');
  });

  it('lets the sandboxed preload import values only from electron', async () => {
    const typeOnly =
      "import { contextBridge } from 'electron';\nimport type { VigilApi } from '../src-main/ipc/contract.ts';\nexport const api = {} as VigilApi;\nexport const bridge = contextBridge;\n";
    expect(await ruleIds(typeOnly, 'src-preload/index.ts')).toEqual([]);
    const valueImport =
      "import { electronChannels } from '../src-main/ipc/contract.ts';\nexport const channels = electronChannels;\n";
    expect(await ruleIds(valueImport, 'src-preload/index.ts')).toContain(
      '@typescript-eslint/no-restricted-imports',
    );
  });

  it('lets the renderer import the contract but nothing else from main', async () => {
    expect(
      await ruleIds(
        "import { requests } from '@contract';\nexport const r = requests;\n",
        'src-renderer/src/a.ts',
      ),
    ).not.toContain('no-restricted-imports');
    expect(
      await ruleIds(
        "import { openStore } from '../../src-main/core/store/index.ts';\nexport const o = openStore;\n",
        'src-renderer/src/a.ts',
      ),
    ).toContain('no-restricted-imports');
  });
});
