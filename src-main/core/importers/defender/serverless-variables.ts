// The Serverless Framework's variables as a Defender as Code file uses them: `${self:path}` (a
// value elsewhere in the same file), `${file(./x.yml):path}` (a file among those given, in the
// same folder or below), `${env:NAME}` and `${opt:…}` / `${sls:…}` with a `, default`. A value
// that is one whole reference keeps its type (an object, a list); references inside text are
// interpolated. A `${self:…}` reference to a resource gives the very object stored at that path,
// so the importer can tell which notification or policy a monitor points at.
import { dirname, join, normalize } from 'node:path';
import { parseDocument } from 'yaml';
import { folderFileNames, type ImportFile, type ImportProblem } from '../import-plan.ts';
import type { SourceDocument, SourcePath } from '../source-document.ts';

export interface VariableContext {
  doc: SourceDocument;
  /** The file's values with integers as bigint (amounts do not fit a number). */
  raw: unknown;
  files: readonly ImportFile[];
  env: Readonly<Record<string, string | undefined>>;
  problems: ImportProblem[];
  /** Filled with the paths of the files a `${file(…)}` read. */
  used: Set<string>;
  /** Filled with each `${env:NAME}` read (set or not) and the first line that reads it. */
  envRead: Map<string, number>;
}

class UnresolvedError extends Error {
  override readonly name = 'UnresolvedError';
  /** The line of the text the failing reference is written in, set where it is first caught. */
  line: number | undefined;
  /** The environment variable that is not set, when that is why. */
  env: string | undefined;
}

const reference = /\$\{([^${}]*)\}/;
const maxDepth = 50;

/** The file's values with every variable resolved, or undefined when one cannot be. */
export function resolveVariables(context: VariableContext): unknown {
  const memo = new Map<string, unknown>();
  const inProgress = new Set<string>();
  const loaded = new Map<string, unknown>();
  const problemAt = (line: number, message: string, env?: string): void => {
    if (!context.problems.some((p) => p.line === line && p.message === message))
      context.problems.push({
        file: context.doc.file,
        line,
        message,
        ...(env === undefined ? {} : { env }),
      });
  };

  const rawAt = (path: SourcePath): unknown => {
    let node = context.raw;
    for (const segment of path) {
      if (node === null || typeof node !== 'object') return undefined;
      node = (node as Record<string | number, unknown>)[segment];
    }
    return node;
  };

  /** The resolved value at a path of the file, the same object every time it is asked for. */
  const resolvePath = (path: SourcePath, depth: number): unknown => {
    const key = JSON.stringify(path);
    if (memo.has(key)) return memo.get(key);
    if (inProgress.has(key))
      throw new UnresolvedError(
        `\${self:${path.join('.')}} refers to itself (a circular reference)`,
      );
    inProgress.add(key);
    try {
      const raw = rawAt(path);
      let value: unknown;
      if (typeof raw === 'string') value = resolveText(raw, context.doc.lineOf(path), depth);
      else if (Array.isArray(raw))
        value = raw.map((_, index) => resolvePath([...path, index], depth));
      else if (raw !== null && typeof raw === 'object')
        value = Object.fromEntries(
          Object.keys(raw).map((name) => [name, resolvePath([...path, name], depth)]),
        );
      else value = raw;
      memo.set(key, value);
      return value;
    } finally {
      inProgress.delete(key);
    }
  };

  /** A value from an included file: its own variables resolved, no identity to keep. */
  const resolveLoose = (value: unknown, line: number, depth: number): unknown => {
    if (typeof value === 'string') return resolveText(value, line, depth);
    if (Array.isArray(value)) return value.map((item) => resolveLoose(item, line, depth));
    if (value !== null && typeof value === 'object')
      return Object.fromEntries(
        Object.entries(value).map(([name, item]) => [name, resolveLoose(item, line, depth)]),
      );
    return value;
  };

  const resolveText = (text: string, line: number, depth: number): unknown => {
    try {
      return interpolate(text, line, depth);
    } catch (error) {
      // Reported once, where the reference is written, not at every value that leads to it.
      if (error instanceof UnresolvedError) error.line ??= line;
      throw error;
    }
  };

  const interpolate = (text: string, line: number, depth: number): unknown => {
    if (depth > maxDepth) throw new UnresolvedError('variables nest too deeply');
    let current = text;
    for (;;) {
      const match = reference.exec(current);
      if (!match) return current;
      const value = resolveReference(match[1]!.trim(), line, depth + 1);
      if (match[0].length === current.length) return value;
      if (value !== null && typeof value === 'object')
        throw new UnresolvedError(
          `\${${match[1]}} is a ${Array.isArray(value) ? 'list' : 'mapping'}, and is used inside text`,
        );
      current = current.replace(match[0], String(value));
    }
  };

  const resolveReference = (body: string, line: number, depth: number): unknown => {
    // `source, fallback`: the fallback when the source gives nothing.
    const comma = splitFallback(body);
    const primary = comma[0]!;
    const value = lookUp(primary, line, depth);
    if (value !== undefined) return value;
    if (comma.length > 1) return literalOrReference(comma[1]!, line, depth);
    const unresolved = new UnresolvedError(
      `\${${body}} does not resolve: ${missingReason(primary)}`,
    );
    unresolved.env = /^env:(.*)$/.exec(primary)?.[1];
    throw unresolved;
  };

  const literalOrReference = (text: string, line: number, depth: number): unknown => {
    const quoted = /^(['"])(.*)\1$/.exec(text);
    if (quoted) return quoted[2];
    if (/^-?[0-9]+$/.test(text)) return BigInt(text);
    if (text === 'true' || text === 'false') return text === 'true';
    if (text === 'null') return null;
    return resolveReference(text, line, depth);
  };

  const lookUp = (source: string, line: number, depth: number): unknown => {
    const self = /^self:(.*)$/.exec(source);
    if (self)
      return lookUpSelf(
        self[1]!.split('.').filter((part) => part !== ''),
        depth,
      );
    const env = /^env:([A-Za-z_][A-Za-z0-9_]*)$/.exec(source);
    if (env) {
      if (!context.envRead.has(env[1]!)) context.envRead.set(env[1]!, line);
      const value = context.env[env[1]!];
      return value === undefined || value === '' ? undefined : value;
    }
    if (/^(opt|sls|param):/.test(source)) return undefined;
    const file = /^file\(([^)]*)\)(?::(.*))?$/.exec(source);
    if (file) {
      const value = loadFile(file[1]!.trim().replace(/^(['"])(.*)\1$/, '$2'), line, depth);
      return navigate(
        value,
        (file[2] ?? '').split('.').filter((part) => part !== ''),
      );
    }
    throw new UnresolvedError(
      `\${${source}}: Vigil's importer resolves self:, file(), env:, and opt: / sls: with a default`,
    );
  };

  const lookUpSelf = (segments: string[], depth: number): unknown => {
    // Walk the file as written until a step is itself a variable; then go on in its value.
    let node = context.raw;
    for (let index = 0; index < segments.length; index++) {
      if (typeof node === 'string' && reference.test(node))
        return navigate(resolvePath(segments.slice(0, index), depth), segments.slice(index));
      if (node === null || typeof node !== 'object') return undefined;
      node = (node as Record<string, unknown>)[segments[index]!];
      if (node === undefined) return undefined;
    }
    return resolvePath(segments, depth);
  };

  const loadFile = (relative: string, line: number, depth: number): unknown => {
    const wanted = normalize(join(dirname(context.doc.file), relative));
    if (relative.startsWith('/') || wanted.startsWith('..') || !isInside(context.doc.file, wanted))
      throw new UnresolvedError(
        `\${file(${relative})} lies outside the serverless.yml's folder; Vigil reads only files in it`,
      );
    const found = context.files.find((candidate) => normalize(candidate.path) === wanted);
    if (!found && !folderFileNames.test(wanted))
      // The engine reads a folder's configuration files only: an ABI kept as .abi or .txt next
      // to serverless.yml is there on disk, but was never read.
      throw new UnresolvedError(
        `\${file(${relative})}: ${wanted} was not read, because from a folder Vigil reads only .json, .yml and .yaml files; add ${wanted} itself to the paths to import, or rename it to .json`,
      );
    if (!found)
      throw new UnresolvedError(
        `\${file(${relative})} is not among the files given (${wanted}); include it in the import`,
      );
    context.used.add(found.path);
    if (!loaded.has(wanted)) {
      const document = parseDocument(found.text, { intAsBigInt: true });
      if (document.errors.length > 0)
        throw new UnresolvedError(
          `${wanted} is not valid YAML or JSON: ${document.errors[0]!.message.split('\n')[0]}`,
        );
      loaded.set(wanted, resolveLoose(document.toJS(), line, depth));
    }
    return loaded.get(wanted);
  };

  const visit = (path: SourcePath): unknown => {
    const raw = rawAt(path);
    if (typeof raw === 'string') {
      try {
        return resolvePath(path, 0);
      } catch (error) {
        if (!(error instanceof UnresolvedError)) throw error;
        problemAt(error.line ?? context.doc.lineOf(path), error.message, error.env);
        return undefined;
      }
    }
    if (Array.isArray(raw)) raw.forEach((_, index) => visit([...path, index]));
    else if (raw !== null && typeof raw === 'object')
      for (const name of Object.keys(raw)) visit([...path, name]);
    return undefined;
  };
  const before = context.problems.length;
  // Every string once, so each dangling reference is reported at its own line.
  visit([]);
  if (context.problems.length > before) return undefined;
  return resolvePath([], 0);
}

function navigate(value: unknown, segments: readonly string[]): unknown {
  let node = value;
  for (const segment of segments) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[segment];
  }
  return node;
}

function isInside(serverlessFile: string, wanted: string): boolean {
  const folder = normalize(dirname(serverlessFile));
  return folder === '.' ? !wanted.startsWith('..') : wanted.startsWith(`${folder}/`);
}

/** `a, 'b, c'` → ["a", "'b, c'"]: only the first comma outside quotes and brackets splits. */
function splitFallback(body: string): string[] {
  let depth = 0;
  let quote: string | undefined;
  for (let index = 0; index < body.length; index++) {
    const char = body[index]!;
    if (quote) {
      if (char === quote) quote = undefined;
    } else if (char === '"' || char === "'") quote = char;
    else if (char === '(' || char === '[') depth++;
    else if (char === ')' || char === ']') depth--;
    else if (char === ',' && depth === 0)
      return [body.slice(0, index).trim(), body.slice(index + 1).trim()];
  }
  return [body.trim()];
}

function missingReason(source: string): string {
  if (source.startsWith('self:')) return `nothing is defined at ${source.slice(5)} in this file`;
  if (source.startsWith('env:'))
    return `the environment variable ${source.slice(4)} is not set where Vigil runs`;
  if (source.startsWith('file(')) return 'the file has nothing at that path';
  return 'Vigil has no command-line options or stage to read it from; give a default';
}
