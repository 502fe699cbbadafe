// A JSON or YAML source file read into plain values that still know their lines, so every
// problem and every "not carried over" points at the line an operator would open.
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import type { ImportFile, ImportProblem } from './import-plan.ts';

export type SourcePath = readonly (string | number)[];

export interface SourceDocument {
  file: string;
  value: unknown;
  /** The line of the value at a path; a missing step gives the line of the deepest one found. */
  lineOf(path: SourcePath): number;
  /** The line of a mapping's key (where an unknown key is written). */
  keyLineOf(path: SourcePath, key: string): number;
}

/**
 * Reads a file as JSON (strictly: JSON.parse decides what is valid) or YAML. A file that does not
 * parse is a problem at its line, and undefined is returned.
 */
export function readSourceDocument(
  file: ImportFile,
  syntax: 'json' | 'yaml',
  problems: ImportProblem[],
): SourceDocument | undefined {
  if (syntax === 'json') {
    try {
      JSON.parse(file.text);
    } catch (error) {
      problems.push({
        file: file.path,
        line: jsonErrorLine(file.text, (error as Error).message),
        message: `not valid JSON: ${(error as Error).message}`,
      });
      return undefined;
    }
  }
  const lineCounter = new LineCounter();
  const document = parseDocument(file.text, { lineCounter, uniqueKeys: true });
  if (document.errors.length > 0) {
    const error = document.errors[0]!;
    const offset = error.pos[0];
    problems.push({
      file: file.path,
      line: lineCounter.linePos(offset).line,
      message: `not valid ${syntax === 'json' ? 'JSON' : 'YAML'}: ${error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`,
    });
    return undefined;
  }
  const nodeAt = (path: SourcePath): { node: Node | undefined; found: Node | undefined } => {
    let node: unknown = document.contents;
    let found = node as Node | undefined;
    for (const segment of path) {
      if (isMap(node)) {
        const pair = node.items.find(
          (item) => isPair(item) && isScalar(item.key) && item.key.value === segment,
        );
        node = pair?.value ?? undefined;
      } else if (isSeq(node) && typeof segment === 'number') node = node.items[segment];
      else node = undefined;
      if (node === undefined || node === null) return { node: undefined, found };
      found = node as Node;
    }
    return { node: node as Node, found };
  };
  const lineAt = (node: Node | undefined): number =>
    node?.range ? lineCounter.linePos(node.range[0]).line : 1;
  return {
    file: file.path,
    value: document.toJS(),
    lineOf: (path) => lineAt(nodeAt(path).found),
    keyLineOf(path, key) {
      const { node } = nodeAt(path);
      if (!isMap(node)) return lineAt(nodeAt(path).found);
      const pair = node.items.find((item) => isScalar(item.key) && item.key.value === key);
      return lineAt((pair?.key as Node | undefined) ?? node);
    },
  };
}

/** V8 says "(line L column C)" or "at position N"; either becomes a line. */
function jsonErrorLine(text: string, message: string): number {
  const line = /\(line (\d+) column \d+\)/.exec(message);
  if (line) return Number(line[1]);
  const position = /at position (\d+)/.exec(message);
  if (position) return text.slice(0, Number(position[1])).split('\n').length;
  return text.trimEnd().split('\n').length;
}
