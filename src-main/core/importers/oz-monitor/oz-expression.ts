// OpenZeppelin Monitor's filter expressions, `value > 1000 AND (to == 0xabc… OR memo contains
// 'refund')`, read into a tree, and that tree written in Vigil's condition language where the
// meaning is kept exactly.
//
// Text: OZ Monitor's EVM evaluator (src/services/filter/filters/evm/evaluator.rs, compare_string,
// read at OpenZeppelin/openzeppelin-monitor fb7c00a) lowercases both the argument and the string
// literal with Rust's str::to_lowercase before ==, !=, starts_with, ends_with and contains, so
// every text comparison is written `lower(field) op "<lowercased literal>"`: JavaScript's
// toLowerCase, which Vigil applies to the argument, is the same Unicode default case mapping.
// compare_final_values sends bytes and bytes32 through the same text comparison of their hex,
// which Vigil's hex comparison (case-insensitive) matches for == and != only.

import {
  resolveArgument,
  writeComparison,
  type EventParameter,
  type ExtraFields,
  type TranslateResult,
} from '../shared/argument-comparison.ts';

export type OzCompareOp =
  '==' | '!=' | '>' | '>=' | '<' | '<=' | 'contains' | 'starts_with' | 'ends_with';

export type OzLiteral =
  | { kind: 'number'; text: string }
  | { kind: 'string'; text: string }
  | { kind: 'hex'; text: string }
  | { kind: 'bool'; value: boolean };

export type OzExpression =
  | { type: 'and' | 'or'; left: OzExpression; right: OzExpression }
  | { type: 'compare'; field: string; op: OzCompareOp; value: OzLiteral };

export class OzExpressionError extends Error {
  override readonly name = 'OzExpressionError';
}

interface Token {
  kind: 'field' | 'number' | 'string' | 'hex' | 'bool' | 'op' | 'and' | 'or' | '(' | ')' | 'end';
  text: string;
}

const wordOps = new Set(['contains', 'starts_with', 'ends_with']);

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  while (at < text.length) {
    const rest = text.slice(at);
    const space = /^\s+/.exec(rest);
    if (space) {
      at += space[0].length;
      continue;
    }
    const take = (kind: Token['kind'], match: string, value = match): void => {
      tokens.push({ kind, text: value });
      at += match.length;
    };
    let match: RegExpExecArray | null;
    if ((match = /^(==|!=|>=|<=|>|<)/.exec(rest))) take('op', match[0]);
    else if ((match = /^(&&|\|\|)/.exec(rest))) take(match[0] === '&&' ? 'and' : 'or', match[0]);
    else if (rest[0] === '(' || rest[0] === ')') take(rest[0], rest[0]);
    else if ((match = /^(['"])((?:\\.|(?!\1).)*)\1/.exec(rest)))
      take('string', match[0], match[2]!.replace(/\\(.)/g, '$1'));
    else if ((match = /^0x[0-9a-fA-F]+\b/.exec(rest))) take('hex', match[0]);
    else if ((match = /^-?[0-9]+(\.[0-9]+)?(?![A-Za-z_])/.exec(rest))) {
      // A bare index before an operator names an argument by position ("0 == 0x…").
      const next = text.slice(at + match[0].length).trimStart();
      const isField =
        !match[1] &&
        !match[0].startsWith('-') &&
        /^(==|!=|>|<|contains|starts_with|ends_with|\.|\[)/i.test(next);
      if (isField && (tokens.length === 0 || ['and', 'or', '('].includes(tokens.at(-1)!.kind)))
        take('field', match[0]);
      else take('number', match[0]);
    } else if ((match = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_]+|\[[0-9]+\])*/.exec(rest))) {
      const word = match[0];
      const lower = word.toLowerCase();
      if (lower === 'and') take('and', word);
      else if (lower === 'or') take('or', word);
      else if (lower === 'true' || lower === 'false') take('bool', word, lower);
      else if (wordOps.has(lower)) take('op', word, lower);
      else take('field', word);
    } else throw new OzExpressionError(`cannot read "${rest.slice(0, 12)}" at column ${at + 1}`);
  }
  tokens.push({ kind: 'end', text: '' });
  return tokens;
}

/** Parses an expression; AND binds tighter than OR, as in OZ Monitor. */
export function parseOzExpression(text: string): OzExpression {
  const tokens = tokenize(text);
  let at = 0;
  const peek = (): Token => tokens[at]!;
  const next = (): Token => tokens[at++]!;
  const expect = (kind: Token['kind'], what: string): Token => {
    const token = next();
    if (token.kind !== kind)
      throw new OzExpressionError(
        `expected ${what}, found ${token.text === '' ? 'the end' : `"${token.text}"`}`,
      );
    return token;
  };
  const or = (): OzExpression => {
    let left = and();
    while (peek().kind === 'or') {
      next();
      left = { type: 'or', left, right: and() };
    }
    return left;
  };
  const and = (): OzExpression => {
    let left = unary();
    while (peek().kind === 'and') {
      next();
      left = { type: 'and', left, right: unary() };
    }
    return left;
  };
  const unary = (): OzExpression => {
    if (peek().kind === '(') {
      next();
      const inner = or();
      expect(')', '")"');
      return inner;
    }
    const field = expect('field', 'an argument name').text;
    const op = expect('op', 'a comparison (==, !=, >, >=, <, <=, contains, starts_with, ends_with)')
      .text as OzCompareOp;
    const token = next();
    let value: OzLiteral;
    if (token.kind === 'number' || (token.kind === 'field' && /^[0-9]+$/.test(token.text)))
      value = { kind: 'number', text: token.text };
    else if (token.kind === 'string') value = { kind: 'string', text: token.text };
    else if (token.kind === 'hex') value = { kind: 'hex', text: token.text };
    else if (token.kind === 'bool') value = { kind: 'bool', value: token.text === 'true' };
    else
      throw new OzExpressionError(
        `expected a value after ${op}, found ${token.text === '' ? 'the end' : `"${token.text}"`}`,
      );
    return { type: 'compare', field, op, value };
  };
  const tree = or();
  if (peek().kind !== 'end')
    throw new OzExpressionError(`unexpected "${peek().text}" after a complete expression`);
  return tree;
}

/** An ABI parameter as the translation needs it. */
export type OzParameter = EventParameter;

/**
 * Writes an OZ expression over an event's parameters (named, or by position) as a Vigil
 * condition that selects the same events, or says why it cannot.
 */
export function translateOzExpression(
  text: string,
  parameters: readonly OzParameter[],
  /** Fields outside the parameters: the transaction's `from`, `to`, `value` as tx.from … */
  extraFields: ExtraFields = {},
): TranslateResult {
  let tree: OzExpression;
  try {
    tree = parseOzExpression(text);
  } catch (error) {
    if (!(error instanceof OzExpressionError)) throw error;
    return { ok: false, reason: `the expression does not parse: ${error.message}` };
  }
  try {
    return { ok: true, condition: write(tree, parameters, extraFields, undefined) };
  } catch (error) {
    if (!(error instanceof OzExpressionError)) throw error;
    return { ok: false, reason: error.message };
  }
}

function write(
  node: OzExpression,
  parameters: readonly OzParameter[],
  extraFields: ExtraFields,
  parent: 'and' | 'or' | undefined,
): string {
  if (node.type !== 'compare') {
    const text = `${write(node.left, parameters, extraFields, node.type)} ${node.type} ${write(node.right, parameters, extraFields, node.type)}`;
    return parent !== undefined && parent !== node.type ? `(${text})` : text;
  }
  const fail = (message: string): never => {
    throw new OzExpressionError(message);
  };
  // OZ Monitor names arguments by their ABI name, as written, or by position.
  const argument = resolveArgument(
    /^[0-9]+$/.test(node.field)
      ? { position: Number(node.field), written: `argument ${node.field}` }
      : { name: node.field },
    parameters,
    extraFields,
    fail,
  );
  return writeComparison(argument, node.op, node.value, { textIgnoresCase: true }, (why) =>
    fail(`${node.field} ${node.op} ${literalText(node.value)}: ${why}`),
  );
}

function literalText(value: OzLiteral): string {
  if (value.kind === 'bool') return String(value.value);
  return value.kind === 'string' ? JSON.stringify(value.text) : value.text;
}
