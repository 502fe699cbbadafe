// Which tool wrote a set of files, from their paths and the keys they open with. Only a guess
// that one format explains every file counts; otherwise the operator names the format.
import { basename, dirname } from 'node:path';
import { VigilError } from '../errors/index.ts';
import type { ImportFile, ImportFormat } from './import-plan.ts';

const ozMonitorFolders = new Set(['networks', 'monitors', 'triggers']);

function formatOf(file: ImportFile): ImportFormat | undefined {
  const name = basename(file.path).toLowerCase();
  if (/^serverless\.ya?ml$/.test(name)) return 'defender';
  if (name.endsWith('.json') && ozMonitorFolders.has(basename(dirname(file.path))))
    return 'oz-monitor';
  if (name.endsWith('.json') && /"relayers"\s*:/.test(file.text)) return 'oz-relayer';
  if (/\.ya?ml$/.test(name) && /^\s*["']?(trigger|execution)["']?\s*:/im.test(file.text))
    return 'kwala';
  return undefined;
}

/** The one format the recognised files share; files no format claims are left to its importer to list. */
export function detectFormat(files: readonly ImportFile[]): ImportFormat {
  const formats = new Set(
    files.map(formatOf).filter((format): format is ImportFormat => format !== undefined),
  );
  if (formats.size === 1) return [...formats][0]!;
  throw new VigilError(
    'IMPORT_INVALID',
    formats.size === 0
      ? `Cannot tell which tool wrote ${files
          .slice(0, 3)
          .map((file) => file.path)
          .join(', ')}; give the format (oz-monitor, defender, oz-relayer or kwala).`
      : `These files come from more than one tool (${[...formats].join(', ')}); import each tool's files on their own.`,
    { field: 'format' },
  );
}
