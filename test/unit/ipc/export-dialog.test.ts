// The desktop save dialog for an audit export, without Electron: the contract server sends
// dialog requests to the shell (never to the core), headless mode answers NOT_AVAILABLE, and the
// dialog offers a sensible file in the operator's folder.
import { describe, expect, it } from 'vitest';
import type { VigilCore } from '../../../src-main/core/app.ts';
import { auditExportFileName, isAuditExportFileName } from '../../../src-main/core/audit/index.ts';
import { chosenPath, exportSaveDialogOptions } from '../../../src-main/ipc/export-dialog.ts';
import { createContractServer } from '../../../src-main/ipc/server.ts';

const core: VigilCore & { calls: string[] } = {
  calls: [],
  async call(name) {
    this.calls.push(name);
    return {};
  },
  onPush: () => () => undefined,
  close: async () => undefined,
};

describe('dialog requests', () => {
  it('are answered by the shell when there is one, and never reach the core', async () => {
    const asked: unknown[] = [];
    const server = createContractServer(core, {
      'dialog.chooseExportPath': async (input) => {
        asked.push(input);
        return { path: '/home/ops/audit.csv' };
      },
    });
    expect(await server.handle('dialog.chooseExportPath', { format: 'csv' })).toEqual({
      ok: true,
      value: { path: '/home/ops/audit.csv' },
    });
    expect(asked).toEqual([{ format: 'csv' }]);
    expect(core.calls).toEqual([]);
  });

  it('are NOT_AVAILABLE in headless mode, and still validated first', async () => {
    const server = createContractServer(core);
    expect(await server.handle('dialog.chooseExportPath', { format: 'jsonl' })).toMatchObject({
      ok: false,
      error: { code: 'NOT_AVAILABLE' },
    });
    expect(await server.handle('dialog.chooseExportPath', { format: 'xlsx' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT', field: 'format' },
    });
    expect(core.calls).toEqual([]);
  });
});

describe('the export save dialog', () => {
  const now = new Date(Date.UTC(2025, 2, 4, 5, 6, 7));

  it('suggests a dated file of the chosen format in the given folder', () => {
    expect(exportSaveDialogOptions('jsonl', now, '/home/ops/Documents')).toEqual({
      title: 'Export the audit log',
      defaultPath: '/home/ops/Documents/vigil-audit-20250304-050607.jsonl',
      buttonLabel: 'Export',
      filters: [{ name: 'JSON Lines (full entries, with hashes)', extensions: ['jsonl'] }],
      properties: ['createDirectory', 'showOverwriteConfirmation'],
    });
    expect(exportSaveDialogOptions('csv', now, '/tmp').filters[0]!.extensions).toEqual(['csv']);
  });

  it('turns a cancelled dialog into null', () => {
    expect(chosenPath({ canceled: true, filePath: '/x' })).toEqual({ path: null });
    expect(chosenPath({ canceled: false, filePath: '' })).toEqual({ path: null });
    expect(chosenPath({ canceled: false, filePath: '/x/a.csv' })).toEqual({ path: '/x/a.csv' });
  });
});

describe('export file names', () => {
  it('are what headless mode serves, and nothing that could name another file', () => {
    const name = auditExportFileName('csv', new Date(Date.UTC(2025, 0, 1)), 'k3x9');
    expect(name).toBe('vigil-audit-20250101-000000-k3x9.csv');
    expect(isAuditExportFileName(name)).toBe(true);
    for (const bad of [
      '../vigil-audit-20250101-000000.csv',
      'vigil-audit-20250101-000000.csv/../../journal.ndjson',
      'journal.ndjson',
      'vigil-audit-20250101-000000.sqlite',
      'vigil-audit-20250101-000000-a/b.csv',
    ])
      expect(isAuditExportFileName(bad), bad).toBe(false);
  });
});
