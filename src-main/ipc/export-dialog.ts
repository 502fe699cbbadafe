// What the desktop app's save dialog for an audit export offers and answers, as plain data (no
// electron import), so it is unit-tested without Electron; src-main/electron/dialogs.ts shows it.
import { basename, join } from 'node:path';
import { auditExportFileName } from '../core/audit/index.ts';
import type { AuditExportFormat } from './contract.ts';
import type { ExportHandleBook } from './export-handles.ts';

export interface ExportSaveDialogOptions {
  title: string;
  defaultPath: string;
  buttonLabel: string;
  filters: { name: string; extensions: string[] }[];
  properties: ('createDirectory' | 'showOverwriteConfirmation')[];
}

const formatNames: Record<AuditExportFormat, string> = {
  jsonl: 'JSON Lines (full entries, with hashes)',
  csv: 'CSV (for spreadsheets)',
};

export function exportSaveDialogOptions(
  format: AuditExportFormat,
  now: Date,
  defaultDirectory: string,
): ExportSaveDialogOptions {
  return {
    title: 'Export the audit log',
    defaultPath: join(defaultDirectory, auditExportFileName(format, now)),
    buttonLabel: 'Export',
    filters: [{ name: formatNames[format], extensions: [format] }],
    properties: ['createDirectory', 'showOverwriteConfirmation'],
  };
}

/**
 * The dialog's answer as the contract's: a one-time handle for the chosen file and its name to
 * show (the path stays in main), or nulls when cancelled.
 */
export function chosenExportFile(
  result: { canceled: boolean; filePath?: string | undefined },
  handles: ExportHandleBook,
): { handle: string | null; fileName: string | null } {
  if (result.canceled || !result.filePath) return { handle: null, fileName: null };
  return { handle: handles.issue(result.filePath), fileName: basename(result.filePath) };
}
