// The textual form of a condition, `value > 1000000e18 and to in [0xabc…, 0xdef…]`, read into
// the tree the UI's builder edits. Hand-written recursive descent: the grammar is a dozen
// productions, and owning it lets every error name the exact column and say what to write
// instead (a parser generator would add a build step and generic "expected X" messages).
//
//   condition  := or?
//   or         := and ('or' and)*
//   and        := unary ('and' unary)*
//   unary      := 'not' unary | '(' or ')' | comparison
//   comparison := (field | 'lower' '(' field ')') op value
//   field      := name ('.' name | '[' digits ']')*
//   op         := == != < <= > >= in contains starts_with ends_with
//   value      := number | 0x-hex | "string" | 'string' | true | false | '[' value (',' value)* ']'
import type { CompareOp, ConditionNode, ConditionValue } from '../../ipc/contract.ts';

/** Offsets into the text (0-based, end exclusive) of the parts of one comparison. */
export interface ComparisonSpans {
  field: Span;
  op: Span;
  value: Span;
}

export interface Span {
  start: number;
  end: number;
}

export interface ParsedCondition {
  condition: ConditionNode;
  /** Where each comparison (and each literal) came from, for errors found after parsing. */
  comparisonSpans: WeakMap<ConditionNode, ComparisonSpans>;
  valueSpans: WeakMap<ConditionValue, Span>;
}

export class ConditionSyntaxError extends Error {
  override readonly name = 'ConditionSyntaxError';
  constructor(
    message: string,
    /** 0-based offset into the text. */
    readonly offset: number,
  ) {
    super(message);
  }
}

/** 1-based line and column of an offset. */
export function positionOf(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

type TokenKind = 'field' | 'keyword' | 'op' | 'number' | 'hex' | 'string' | 'punct' | 'end';

interface Token {
  kind: TokenKind;
  text: string;
  start: number;
  end: number;
  /** Numbers: the exact integer; strings: the unescaped text. */
  value?: string;
}

const keywords = new Set([
  'and',
  'or',
  'not',
  'in',
  'contains',
  'starts_with',
  'ends_with',
  'true',
  'false',
]);
/** Whether a name is a word of the language, and so cannot be a field's name in it. */
export function isConditionKeyword(name: string): boolean {
  return keywords.has(name.toLowerCase());
}

/** Operators written as words. */
const wordOperators: readonly CompareOp[] = ['in', 'contains', 'starts_with', 'ends_with'];
/** `lower(field)`: a field's text compared without regard to case. Not a keyword, so a field may be called lower. */
const LOWER = 'lower';
const operators: readonly string[] = ['==', '!=', '<=', '>=', '<', '>'];

// ---------------------------------------------------------------------------------------------
// Tokens.

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  const fail = (message: string, offset = at): never => {
    throw new ConditionSyntaxError(message, offset);
  };
  while (at < text.length) {
    const char = text[at]!;
    if (/\s/.test(char)) {
      at++;
      continue;
    }
    const start = at;
    const rest = text.slice(at);
    if (char === '…') fail('"…" stands for elided text; write the value in full');
    if (/^0[xX]/.test(rest)) {
      const match = /^0[xX][0-9a-fA-F]*/.exec(rest)![0];
      at += match.length;
      if (text[at] === '…') fail('"…" stands for elided text; write the value in full');
      if (/\w/.test(text[at] ?? ''))
        fail(`${match}${text[at]} is not hex: after 0x come only the digits 0-9 and a-f`, at);
      if (match.length === 2) fail('0x must be followed by hex digits', start);
      tokens.push({ kind: 'hex', text: match, start, end: at });
      continue;
    }
    if (/[0-9]/.test(char) || (char === '-' && /^-[0-9]/.test(rest))) {
      const match = /^-?[0-9][0-9_]*(\.[0-9_]*)?([eE][+-]?[0-9_]*)?/.exec(rest)![0];
      at += match.length;
      if (/[A-Za-z_]/.test(text[at] ?? ''))
        fail(`unexpected "${text[at]}" after the number ${match}`, at);
      tokens.push({
        kind: 'number',
        text: match,
        start,
        end: at,
        value: exactInteger(match, start),
      });
      continue;
    }
    if (/[A-Za-z_]/.test(char)) {
      const match = /^[A-Za-z_][A-Za-z0-9_]*/.exec(rest)![0];
      if (keywords.has(match.toLowerCase())) {
        at += match.length;
        tokens.push({ kind: 'keyword', text: match.toLowerCase(), start, end: at });
        continue;
      }
      at += match.length;
      // A field path: names joined by dots, with [index] steps into lists.
      for (;;) {
        const step = /^(\.[A-Za-z_][A-Za-z0-9_]*|\[[0-9]+\])/.exec(text.slice(at));
        if (!step) break;
        at += step[0].length;
      }
      if (text[at] === '.') fail('expected a name after "."', at + 1);
      tokens.push({ kind: 'field', text: text.slice(start, at), start, end: at });
      continue;
    }
    if (char === '"' || char === "'") {
      const { value, end } = readString(text, at);
      at = end;
      tokens.push({ kind: 'string', text: text.slice(start, at), start, end: at, value });
      continue;
    }
    const op = operators.find((candidate) => rest.startsWith(candidate));
    if (op) {
      at += op.length;
      tokens.push({ kind: 'op', text: op, start, end: at });
      continue;
    }
    if ('()[],'.includes(char)) {
      at++;
      tokens.push({ kind: 'punct', text: char, start, end: at });
      continue;
    }
    if (rest.startsWith('&&')) fail('use "and" instead of &&');
    if (rest.startsWith('||')) fail('use "or" instead of ||');
    if (char === '=') fail('use == to compare (a single = is not an operator)');
    if (char === '!') fail('use "not" (or != to compare)');
    fail(`unexpected character "${char}"`);
  }
  tokens.push({ kind: 'end', text: '', start: text.length, end: text.length });
  return tokens;
}

function readString(text: string, start: number): { value: string; end: number } {
  const quote = text[start]!;
  let value = '';
  let at = start + 1;
  while (at < text.length) {
    const char = text[at]!;
    if (char === quote) return { value, end: at + 1 };
    if (char === '\n') break;
    if (char === '\\') {
      const next = text[at + 1];
      const simple: Record<string, string> = {
        n: '\n',
        t: '\t',
        r: '\r',
        '\\': '\\',
        '"': '"',
        "'": "'",
      };
      if (next !== undefined && simple[next] !== undefined) {
        value += simple[next];
        at += 2;
        continue;
      }
      const unicode = /^u([0-9a-fA-F]{4})/.exec(text.slice(at + 1));
      if (unicode) {
        value += String.fromCharCode(Number.parseInt(unicode[1]!, 16));
        at += 6;
        continue;
      }
      throw new ConditionSyntaxError(
        `unknown escape \\${next ?? ''}; use \\n, \\t, \\\\, \\" or \\uXXXX`,
        at,
      );
    }
    value += char;
    at++;
  }
  throw new ConditionSyntaxError(`the string has no closing ${quote}`, start);
}

/**
 * The exact integer a number literal stands for: `1_000`, `1e18`, `1.5e18`, `-3`. Anything
 * that is not a whole number (`1.5`, `1e-3`) is refused; there are no floats on a chain.
 */
function exactInteger(literal: string, offset: number): string {
  const fail = (message: string): never => {
    throw new ConditionSyntaxError(message, offset);
  };
  // The tokenizer starts a number with a digit (after its sign), never with an underscore.
  if (/_(_|$|\.|[eE])|\._|[eE][+-]?_/.test(literal))
    fail(`${literal}: an underscore may only stand between digits`);
  const plain = literal.replace(/_/g, '');
  const match = /^(-?)([0-9]+)(?:\.([0-9]*))?(?:[eE]([+-]?)([0-9]*))?$/.exec(plain);
  if (!match) return fail(`${literal} is not a number`);
  const [, sign, whole, fraction = '', exponentSign, exponentDigits] = match;
  if (exponentDigits === '') fail(`${literal}: the exponent after "e" is missing`);
  const exponent = Number(`${exponentSign ?? ''}${exponentDigits ?? '0'}`);
  if (exponent > 1_000) fail(`${literal}: the exponent is too large`);
  const digits = `${whole}${fraction}`;
  const shift = exponent - fraction.length;
  let integer: bigint;
  if (shift >= 0) integer = BigInt(digits) * 10n ** BigInt(shift);
  else {
    const divisor = 10n ** BigInt(-shift);
    const value = BigInt(digits);
    if (value % divisor !== 0n)
      fail(
        `${literal} is not a whole number; on-chain amounts are integers (write 15e17, not 1.5)`,
      );
    integer = value / divisor;
  }
  return (sign === '-' && integer !== 0n ? -integer : integer).toString();
}

// ---------------------------------------------------------------------------------------------
// The parser.

export function parseCondition(text: string): ParsedCondition {
  const tokens = tokenize(text);
  const comparisonSpans = new WeakMap<ConditionNode, ComparisonSpans>();
  const valueSpans = new WeakMap<ConditionValue, Span>();
  let position = 0;

  const peek = (): Token => tokens[position]!;
  const next = (): Token => tokens[position++]!;
  const isKeyword = (token: Token, word: string): boolean =>
    token.kind === 'keyword' && token.text === word;
  const describe = (token: Token): string => (token.kind === 'end' ? 'the end' : `"${token.text}"`);
  const fail = (message: string, token: Token): never => {
    throw new ConditionSyntaxError(message, token.start);
  };

  /** `part (keyword part)*`: or over ands, and over unaries. */
  function parseJoined(
    keyword: 'or' | 'and',
    type: 'any' | 'all',
    parsePart: () => ConditionNode,
  ): ConditionNode {
    const parts = [parsePart()];
    while (isKeyword(peek(), keyword)) {
      next();
      parts.push(parsePart());
    }
    return parts.length === 1 ? parts[0]! : { type, conditions: parts };
  }

  function parseOr(): ConditionNode {
    return parseJoined('or', 'any', () => parseJoined('and', 'all', parseUnary));
  }

  function parseUnary(): ConditionNode {
    const token = peek();
    if (isKeyword(token, 'not')) {
      next();
      return { type: 'not', condition: parseUnary() };
    }
    if (token.kind === 'punct' && token.text === '(') {
      next();
      const inner = parseOr();
      const closing = next();
      if (closing.kind !== 'punct' || closing.text !== ')')
        fail(
          `expected ) to close the ( at column ${positionOf(text, token.start).column}, found ${describe(closing)}`,
          closing,
        );
      return inner;
    }
    return parseComparison();
  }

  function parseComparison(): ConditionNode {
    const first = next();
    const lowered =
      first.kind === 'field' &&
      first.text.toLowerCase() === LOWER &&
      peek().kind === 'punct' &&
      peek().text === '(';
    const field = lowered ? parseLoweredField() : first;
    if (field.kind !== 'field') {
      if (field.kind === 'end') fail('expected a condition, found the end', field);
      if (field.kind === 'keyword')
        fail(`expected a field name, found the keyword "${field.text}"`, field);
      fail(
        `expected a field name (an event argument such as value, or tx.from), found ${describe(field)}`,
        field,
      );
    }
    const shownField = lowered ? `${LOWER}(${field.text})` : field.text;
    const opToken = next();
    let op: CompareOp;
    if (opToken.kind === 'op') op = opToken.text as CompareOp;
    else if (opToken.kind === 'keyword' && wordOperators.includes(opToken.text as CompareOp))
      op = opToken.text as CompareOp;
    else if (isKeyword(opToken, 'not') && isKeyword(peek(), 'in'))
      return fail(`write not (${shownField} in […]) instead of "not in"`, opToken);
    else
      return fail(
        `expected an operator after ${shownField} (==, !=, <, <=, >, >=, in, contains, starts_with, ends_with), found ${describe(opToken)}`,
        opToken,
      );
    const valueStart = peek();
    const value = parseValue(op);
    const node: ConditionNode = {
      type: 'compare',
      field: field.text,
      op,
      value,
      ...(lowered ? { ignoreCase: true as const } : {}),
    };
    comparisonSpans.set(node, {
      field: { start: field.start, end: field.end },
      op: { start: opToken.start, end: opToken.end },
      value: { start: valueStart.start, end: tokens[position - 1]!.end },
    });
    return node;
  }

  /** After `lower`: `(field)`, giving the field's token. */
  function parseLoweredField(): Token {
    next();
    const field = next();
    if (field.kind !== 'field')
      fail(`expected a field name inside ${LOWER}( ), found ${describe(field)}`, field);
    const closing = next();
    if (closing.kind !== 'punct' || closing.text !== ')')
      fail(`expected ) after ${LOWER}(${field.text}, found ${describe(closing)}`, closing);
    return field;
  }

  function parseValue(op: CompareOp, inList = false): ConditionValue {
    const token = next();
    let value: ConditionValue;
    switch (token.kind) {
      case 'number':
        value = { type: 'number', value: token.value! };
        break;
      case 'hex':
        value = { type: 'hex', value: token.text };
        break;
      case 'string':
        value = { type: 'string', value: token.value! };
        break;
      case 'keyword':
        if (token.text !== 'true' && token.text !== 'false')
          return fail(`expected a value after ${op}, found the keyword "${token.text}"`, token);
        value = { type: 'bool', value: token.text === 'true' };
        break;
      case 'punct':
        if (token.text !== '[' || inList)
          return fail(
            inList
              ? `expected a value in the list, found ${describe(token)}`
              : `expected a value after ${op} (a number, 0x-address, "string", true/false or [list]), found ${describe(token)}`,
            token,
          );
        value = { type: 'list', items: parseListItems(op, token) };
        break;
      case 'field':
        return fail(
          `expected a value after ${op}, found the name ${token.text}; put text in quotes ("${token.text}")`,
          token,
        );
      default:
        return fail(
          `expected a value after ${op} (a number, 0x-address, "string", true/false or [list]), found ${describe(token)}`,
          token,
        );
    }
    valueSpans.set(value, { start: token.start, end: tokens[position - 1]!.end });
    return value;
  }

  function parseListItems(op: CompareOp, opening: Token): ConditionValue[] {
    const items: ConditionValue[] = [];
    if (peek().kind === 'punct' && peek().text === ']') {
      next();
      return items;
    }
    for (;;) {
      items.push(parseValue(op, true));
      const separator = next();
      if (separator.kind === 'punct' && separator.text === ']') return items;
      if (separator.kind !== 'punct' || separator.text !== ',')
        fail(
          `expected , or ] in the list that starts at column ${positionOf(text, opening.start).column}, found ${describe(separator)}`,
          separator,
        );
    }
  }

  if (peek().kind === 'end')
    return { condition: { type: 'all', conditions: [] }, comparisonSpans, valueSpans };
  const condition = parseOr();
  const trailing = peek();
  if (trailing.kind !== 'end') {
    fail(
      trailing.kind === 'field' || trailing.kind === 'punct'
        ? `expected "and", "or" or the end, found ${describe(trailing)}`
        : `unexpected ${describe(trailing)}`,
      trailing,
    );
  }
  return { condition, comparisonSpans, valueSpans };
}
