// What an import of another tool's configuration would add to Vigil, before anything is applied:
// a workspace (applied as a workspace file is, atomically and without adding anything twice),
// what cannot be carried over and why, and the secrets it needs from the environment.
import type { Workspace } from '../workspace/index.ts';
import { VigilError } from '../errors/index.ts';

export const importFormats = ['oz-monitor', 'defender', 'oz-relayer', 'kwala'] as const;
export type ImportFormat = (typeof importFormats)[number];

/**
 * The files read from a folder given to the import; a file given by its own path is read
 * whatever its name. Importers name these in their messages (an ABI kept as .abi beside a
 * serverless.yml is on disk, but was not read).
 */
export const folderFileNames = /\.(json|ya?ml)$/i;

/** A file the operator pointed at, read by the caller: importers touch no disk. */
export interface ImportFile {
  /** As shown in messages: the path the operator gave (or found under a folder they gave). */
  path: string;
  text: string;
}

/** Something in the source files that Vigil will not have after the import, and why. */
export interface NotCarried {
  file: string;
  line: number;
  reason: string;
}

/** A secret the import reads from the environment of the process running Vigil when applied. */
export interface ImportSecret {
  /** The environment variable's name. */
  env: string;
  /** What it is for: "webhook secret of trigger large_transfer_webhook". */
  purpose: string;
  file: string;
  line: number;
}

/**
 * A signer key kept in an encrypted keystore file (Web3 Secret Storage v3) the source names: the
 * plan only says where it is and whose it is; the engine decrypts it with the passphrase read
 * from the environment when the import is applied, and imports it as signers.import does.
 */
export interface ImportKeystoreSigner {
  /** Where the source declares the signer. */
  file: string;
  line: number;
  /** The keystore file, as among the files given. */
  keystorePath: string;
  /** The environment variable holding the keystore's passphrase. */
  passphraseEnv: string;
  /** Checksummed, as the keystore states it; checked against the decrypted key. */
  address: string;
  label: string;
}

export interface ImportPlan {
  format: ImportFormat;
  workspace: Workspace;
  notCarried: NotCarried[];
  secrets: ImportSecret[];
  /** Keystore signers to import when applied (OpenZeppelin Relayer's `local` signers). */
  signers?: ImportKeystoreSigner[];
}

/** One thing wrong with a source file: the import refuses the whole set and changes nothing. */
export interface ImportProblem {
  file: string;
  line: number;
  message: string;
  /**
   * The environment variable whose value is missing, when that is the problem: the operator
   * can type it and preview again (workspace.importFrom's secretValues).
   */
  env?: string;
}

/** What an importer may know besides the files: the environment secrets and URLs are read from. */
export interface ImportContext {
  env: Readonly<Record<string, string | undefined>>;
  /** The keychain signer that sends calls a source file makes from its own wallet (Kwala's `call`). */
  proposeFrom?: string | undefined;
  /** The automation policy those calls execute under; without it they wait for approval. */
  proposePolicy?: string | undefined;
}

export type Importer = (files: readonly ImportFile[], context: ImportContext) => ImportPlan;

export function emptyWorkspace(): Workspace {
  return { chains: [], contracts: [], transactions: [], rules: [], policies: [], schedules: [] };
}

/** A plan that adds nothing yet, for an importer to fill. */
export function emptyPlan(format: ImportFormat): ImportPlan {
  return { format, workspace: emptyWorkspace(), notCarried: [], secrets: [] };
}

const shownProblems = 5;

/** Every problem found, in file and line order; the first few in the message. */
export function importError(problems: readonly ImportProblem[]): VigilError {
  const ordered = [...problems].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
  const first = ordered[0]!;
  const lines = ordered
    .slice(0, shownProblems)
    .map((problem) => `${problem.file}:${problem.line}: ${problem.message}`);
  if (ordered.length > shownProblems)
    lines.push(`… and ${ordered.length - shownProblems} more problem(s)`);
  return new VigilError('IMPORT_INVALID', lines.join('\n'), {
    details: { file: first.file, line: first.line, problems: ordered },
  });
}
