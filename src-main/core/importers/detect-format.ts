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

export function detectFormat(files: readonly ImportFile[]): ImportFormat {
  const formats = new Set(files.map(formatOf));
  if (formats.size === 1 && !formats.has(undefined)) return [...formats][0]!;
  const unknown = files.filter((file) => formatOf(file) === undefined).map((file) => file.path);
  throw new VigilError(
    'IMPORT_INVALID',
    unknown.length > 0
      ? `Cannot tell which tool wrote ${unknown.slice(0, 3).join(', ')}; give the format (oz-monitor, defender, oz-relayer or kwala).`
      : `These files come from more than one tool (${[...formats].join(', ')}); import each tool's files on their own.`,
    { field: 'format' },
  );
}
