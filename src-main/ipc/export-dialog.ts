// What the desktop app's save dialog for an audit export offers, as plain data (no electron
// import), so it is unit-tested without Electron; src-main/electron/dialogs.ts only shows it.
import { join } from 'node:path';
import { auditExportFileName } from '../core/audit/index.ts';
import type { AuditExportFormat } from './contract.ts';

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

/** The dialog's answer as the contract's: a chosen path, or null when cancelled. */
export function chosenPath(result: { canceled: boolean; filePath?: string | undefined }): {
  path: string | null;
} {
  return { path: result.canceled || !result.filePath ? null : result.filePath };
}
