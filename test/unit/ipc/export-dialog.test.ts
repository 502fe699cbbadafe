// The desktop save dialog for an audit export, without Electron: the contract server sends
// dialog requests to the shell (never to the core), headless mode answers NOT_AVAILABLE, the
// dialog offers a sensible file in the operator's folder, and the window gets a one-time handle
// for the chosen file, never its path.
import { describe, expect, it } from 'vitest';
import type { VigilCore } from '../../../src-main/core/app.ts';
import { auditExportFileName, isAuditExportFileName } from '../../../src-main/core/audit/index.ts';
import { chosenExportFile, exportSaveDialogOptions } from '../../../src-main/ipc/export-dialog.ts';
import { createExportHandleBook } from '../../../src-main/ipc/export-handles.ts';
import { createContractServer } from '../../../src-main/ipc/server.ts';
import { fakeCore } from '../../helpers/fake-core.ts';

const calls: string[] = [];
const inputs: unknown[] = [];
const core: VigilCore & { calls: string[]; inputs: unknown[] } = {
  ...fakeCore((name, input) => {
    calls.push(name);
    inputs.push(input);
    return {};
  }),
  calls,
  inputs,
};

describe('dialog requests', () => {
  it('are answered by the shell when there is one, and never reach the core', async () => {
    const asked: unknown[] = [];
    const server = createContractServer(core, {
      exportHandles: createExportHandleBook(),
      handlers: {
        'dialog.chooseExportFile': async (input) => {
          asked.push(input);
          return { handle: null, fileName: null };
        },
      },
    });
    expect(await server.handle('dialog.chooseExportFile', { format: 'csv' })).toEqual({
      ok: true,
      value: { handle: null, fileName: null },
    });
    expect(asked).toEqual([{ format: 'csv' }]);
    expect(core.calls).toEqual([]);
  });

  it('are NOT_AVAILABLE in headless mode, and still validated first', async () => {
    const server = createContractServer(core);
    expect(await server.handle('dialog.chooseExportFile', { format: 'jsonl' })).toMatchObject({
      ok: false,
      error: { code: 'NOT_AVAILABLE' },
    });
    expect(await server.handle('dialog.chooseExportFile', { format: 'xlsx' })).toMatchObject({
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

  it('answers a one-time handle and the file name, never the path; null when cancelled', () => {
    const handles = createExportHandleBook();
    expect(chosenExportFile({ canceled: true, filePath: '/x' }, handles)).toEqual({
      handle: null,
      fileName: null,
    });
    expect(chosenExportFile({ canceled: false, filePath: '' }, handles)).toEqual({
      handle: null,
      fileName: null,
    });
    const chosen = chosenExportFile({ canceled: false, filePath: '/home/ops/a.csv' }, handles);
    expect(chosen.fileName).toBe('a.csv');
    expect(JSON.stringify(chosen)).not.toContain('/home/ops');
    expect(handles.take(chosen.handle!)).toBe('/home/ops/a.csv');
  });
});

describe('export handles', () => {
  it('are random, redeemed once, and expire', () => {
    let now = 1_000;
    const handles = createExportHandleBook({ ttlMs: 60_000, now: () => now });
    const first = handles.issue('/home/ops/a.jsonl');
    const second = handles.issue('/home/ops/a.jsonl');
    expect(first).not.toBe(second);
    expect(first).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(handles.take(first)).toBe('/home/ops/a.jsonl');
    expect(handles.take(first)).toBeUndefined(); // spent
    expect(handles.take('made-up-handle-0000000')).toBeUndefined();
    now += 60_000;
    expect(handles.take(second)).toBeUndefined(); // expired
  });

  it('are how the desktop window names an export file: a path from it never reaches the core', async () => {
    const exportHandles = createExportHandleBook();
    const server = createContractServer(core, { exportHandles, handlers: {} });
    const desktop = { kind: 'desktop' } as const;
    core.calls.length = 0;
    core.inputs.length = 0;

    const byPath = await server.handle(
      'audit.export',
      { format: 'jsonl', path: '/home/ops/.bashrc.jsonl', overwrite: true },
      desktop,
    );
    expect(byPath).toMatchObject({
      ok: false,
      error: { code: 'EXPORT_PATH_INVALID', field: 'path', details: { reason: 'dialog-only' } },
    });
    const forged = await server.handle(
      'audit.export',
      { format: 'jsonl', handle: 'A'.repeat(24) },
      desktop,
    );
    expect(forged).toMatchObject({
      ok: false,
      error: {
        code: 'EXPORT_PATH_INVALID',
        field: 'handle',
        details: { reason: 'handle-unknown' },
      },
    });
    expect(core.calls).toEqual([]);

    const handle = exportHandles.issue('/home/ops/audit.jsonl');
    expect(await server.handle('audit.export', { format: 'jsonl', handle }, desktop)).toEqual({
      ok: true,
      value: {},
    });
    expect(core.inputs).toEqual([
      { format: 'jsonl', path: '/home/ops/audit.jsonl', overwrite: true },
    ]);
    // The same handle again: spent.
    expect(await server.handle('audit.export', { format: 'jsonl', handle }, desktop)).toMatchObject(
      { ok: false, error: { details: { reason: 'handle-unknown' } } },
    );
    // Without a handle the export goes to the exports folder, as in headless mode.
    expect(await server.handle('audit.export', { format: 'csv' }, desktop)).toEqual({
      ok: true,
      value: {},
    });
    expect(core.inputs.at(-1)).toEqual({ format: 'csv' });
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
