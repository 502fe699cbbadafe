// Importing other tools' configurations (OpenZeppelin Monitor, Defender as Code, OpenZeppelin
// Relayer, Kwala): each format is a pure function from files to an ImportPlan, a Vigil
// workspace plus what cannot be carried over. The engine reads the files and applies the plan.
import { VigilError } from '../errors/index.ts';
import { detectFormat } from './detect-format.ts';
import type {
  ImportContext,
  ImportFile,
  ImportFormat,
  ImportPlan,
  Importer,
} from './import-plan.ts';
import { importDefender } from './defender/import-defender.ts';
import { importKwala } from './kwala/import-kwala.ts';
import { importOzMonitor } from './oz-monitor/import-oz-monitor.ts';
import { importOzRelayer } from './oz-relayer/import-oz-relayer.ts';

export {
  emptyWorkspace,
  folderFileNames,
  importError,
  importFormats,
  type ImportContext,
  type ImportFile,
  type ImportFormat,
  type ImportKeystoreSigner,
  type ImportPlan,
  type ImportProblem,
  type ImportSecret,
  type Importer,
  type NotCarried,
} from './import-plan.ts';
export { detectFormat } from './detect-format.ts';
export { readSourceDocument, type SourceDocument, type SourcePath } from './source-document.ts';

const importers: Partial<Record<ImportFormat, Importer>> = {
  'oz-monitor': importOzMonitor,
  kwala: importKwala,
  'oz-relayer': importOzRelayer,
  defender: importDefender,
};

/** The plan for a set of files, in the format given or the one detected. */
export function planImport(
  files: readonly ImportFile[],
  context: ImportContext & { format?: ImportFormat | undefined },
): ImportPlan {
  if (files.length === 0)
    throw new VigilError('IMPORT_INVALID', 'No files to import were found at the paths given.', {
      field: 'paths',
    });
  const chosen = context.format ?? detectFormat(files);
  const importer = importers[chosen];
  if (!importer)
    throw new VigilError(
      'NOT_AVAILABLE',
      `Importing ${chosen} files is not available in this Vigil yet.`,
      { field: 'format' },
    );
  return importer(files, {
    env: context.env,
    proposeFrom: context.proposeFrom,
    proposePolicy: context.proposePolicy,
  });
}
