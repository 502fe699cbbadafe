// Defender's monitor conditions, `value > 1000 * 10^18 and not (to == 0xabc…)`, read into a tree
// and written in Vigil's condition language where the meaning is kept exactly. Defender names
// arguments by ABI name or by position (`$0`), writes equality as `==` or `=`, and allows
// arithmetic: arithmetic on constants is worked out exactly here (`^` is a power), arithmetic on
// arguments (`a + b > c`) has no Vigil equivalent and is refused with that reason. Defender's
// documentation found here does not say whether text compares with regard to case; it is kept
// exact (Vigil's default) rather than guessed.
import {
  resolveArgument,
  writeComparison,
  type EventParameter,
  type ExtraFields,
  type TranslateResult,
  type SourceLiteral,
} from '../shared/argument-comparison.ts';

export type DefenderValue =
  | { type: 'number'; text: string }
  | { type: 'string'; text: string }
  | { type: 'hex'; text: string }
  | { type: 'bool'; value: boolean }
  | { type: 'field'; name: string }
  | {
      type: 'arith';
      op: '+' | '-' | '*' | '/' | '%' | '^';
      left: DefenderValue;
      right: DefenderValue;
    }
  | { type: 'negate'; inner: DefenderValue };

export type CompareOp = '==' | '!=' | '<' | '<=' | '>' | '>=';

export type DefenderExpression =
  | { type: 'and' | 'or'; left: DefenderExpression; right: DefenderExpression }
  | { type: 'not'; inner: DefenderExpression }
  | { type: 'compare'; op: CompareOp; left: DefenderValue; right: DefenderValue };

export class DefenderExpressionError extends Error {
  override readonly name = 'DefenderExpressionError';
}

type Node = DefenderExpression | DefenderValue;

interface Token {
  kind: 'word' | 'number' | 'string' | 'hex' | 'positional' | 'op' | 'end';
  text: string;
}

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
    let match: RegExpExecArray | null;
    const take = (kind: Token['kind'], length: number, value: string): void => {
      tokens.push({ kind, text: value });
      at += length;
    };
    if ((match = /^(==|!=|<=|>=|&&|\|\||[=<>+\-*/%^()!])/.exec(rest)))
      take('op', match[0].length, match[0]);
    else if ((match = /^(['"])((?:\\.|(?!\1).)*)\1/.exec(rest)))
      take('string', match[0].length, match[2]!.replace(/\\(.)/g, '$1'));
    else if ((match = /^0x[0-9a-fA-F]*(?![0-9A-Za-z_])/.exec(rest)))
      take('hex', match[0].length, match[0]);
    else if ((match = /^[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?(?![0-9A-Za-z_])/.exec(rest)))
      take('number', match[0].length, match[0]);
    else if ((match = /^\$([0-9]+)(?![0-9A-Za-z_])/.exec(rest)))
      take('positional', match[0].length, match[1]!);
    else if ((match = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_]+|\[[0-9]+\])*/.exec(rest)))
      take('word', match[0].length, match[0]);
    else
      throw new DefenderExpressionError(`cannot read "${rest.slice(0, 12)}" at column ${at + 1}`);
  }
  tokens.push({ kind: 'end', text: '' });
  return tokens;
}

const compareOps = new Set(['==', '=', '!=', '<', '<=', '>', '>=']);

/** Parses a condition; `not` binds tighter than `and`, which binds tighter than `or`. */
export function parseDefenderExpression(text: string): DefenderExpression {
  const tokens = tokenize(text);
  let at = 0;
  const peek = (): Token => tokens[at]!;
  const isWord = (word: string): boolean =>
    peek().kind === 'word' && peek().text.toLowerCase() === word;
  const isOp = (...ops: string[]): boolean => peek().kind === 'op' && ops.includes(peek().text);
  const found = (): string => (peek().text === '' ? 'the end' : `"${peek().text}"`);

  const or = (): Node => {
    let left = and();
    while (isWord('or') || isOp('||')) {
      at++;
      left = { type: 'or', left: asCondition(left), right: asCondition(and()) };
    }
    return left;
  };
  const and = (): Node => {
    let left = not();
    while (isWord('and') || isOp('&&')) {
      at++;
      left = { type: 'and', left: asCondition(left), right: asCondition(not()) };
    }
    return left;
  };
  const not = (): Node => {
    if (isWord('not') || isOp('!')) {
      at++;
      return { type: 'not', inner: asCondition(not()) };
    }
    return comparison();
  };
  const comparison = (): Node => {
    const left = sum();
    if (peek().kind === 'op' && compareOps.has(peek().text)) {
      const op = (peek().text === '=' ? '==' : peek().text) as CompareOp;
      at++;
      return { type: 'compare', op, left: asValue(left), right: asValue(sum()) };
    }
    return left;
  };
  const sum = (): Node => {
    let left = product();
    while (isOp('+', '-')) {
      const op = tokens[at++]!.text as '+' | '-';
      left = { type: 'arith', op, left: asValue(left), right: asValue(product()) };
    }
    return left;
  };
  const product = (): Node => {
    let left = power();
    while (isOp('*', '/', '%')) {
      const op = tokens[at++]!.text as '*' | '/' | '%';
      left = { type: 'arith', op, left: asValue(left), right: asValue(power()) };
    }
    return left;
  };
  const power = (): Node => {
    const base = atom();
    if (isOp('^')) {
      at++;
      return { type: 'arith', op: '^', left: asValue(base), right: asValue(power()) };
    }
    return base;
  };
  const atom = (): Node => {
    const token = peek();
    if (token.kind === 'op' && token.text === '(') {
      at++;
      const inner = or();
      if (!isOp(')')) throw new DefenderExpressionError(`expected ")", found ${found()}`);
      at++;
      return inner;
    }
    if (token.kind === 'op' && token.text === '-') {
      at++;
      return { type: 'negate', inner: asValue(atom()) };
    }
    at++;
    switch (token.kind) {
      case 'number':
        return { type: 'number', text: token.text };
      case 'string':
        return { type: 'string', text: token.text };
      case 'hex':
        return { type: 'hex', text: token.text };
      case 'positional':
        return { type: 'field', name: `$${token.text}` };
      case 'word': {
        const lower = token.text.toLowerCase();
        if (lower === 'true' || lower === 'false') return { type: 'bool', value: lower === 'true' };
        if (['and', 'or', 'not'].includes(lower))
          throw new DefenderExpressionError(`expected a value, found "${token.text}"`);
        return { type: 'field', name: token.text };
      }
      default:
        at--;
        throw new DefenderExpressionError(`expected a value, found ${found()}`);
    }
  };
  const tree = or();
  if (peek().kind !== 'end')
    throw new DefenderExpressionError(`unexpected ${found()} after a complete condition`);
  return asCondition(tree);
}

function isCondition(node: Node): node is DefenderExpression {
  return ['and', 'or', 'not', 'compare'].includes(node.type);
}

function asCondition(node: Node): DefenderExpression {
  if (isCondition(node)) return node;
  throw new DefenderExpressionError(
    `${describeValue(node)} is a value, not a condition; compare it (== true, > 0 …)`,
  );
}

function asValue(node: Node): DefenderValue {
  if (!isCondition(node)) return node;
  throw new DefenderExpressionError('a condition is used where a value is expected');
}

/** An ABI parameter as the translation needs it. */
export type DefenderParameter = EventParameter;

/** Writes a Defender condition as a Vigil condition that selects the same events, or says why not. */
export function translateDefenderExpression(
  text: string,
  parameters: readonly DefenderParameter[],
  extraFields: ExtraFields = {},
): TranslateResult {
  try {
    const tree = parseDefenderExpression(text);
    return { ok: true, condition: write(tree, parameters, extraFields, undefined) };
  } catch (error) {
    if (!(error instanceof DefenderExpressionError)) throw error;
    return { ok: false, reason: error.message };
  }
}

function write(
  node: DefenderExpression,
  parameters: readonly DefenderParameter[],
  extraFields: ExtraFields,
  parent: 'and' | 'or' | 'not' | undefined,
): string {
  if (node.type === 'not') {
    const inner = write(node.inner, parameters, extraFields, 'not');
    return `not ${node.inner.type === 'not' ? inner : `(${inner})`}`;
  }
  if (node.type !== 'compare') {
    const text = `${write(node.left, parameters, extraFields, node.type)} ${node.type} ${write(node.right, parameters, extraFields, node.type)}`;
    return parent !== undefined && parent !== node.type && parent !== 'not' ? `(${text})` : text;
  }
  return comparison(node, parameters, extraFields);
}

const flipped: Record<CompareOp, CompareOp> = {
  '==': '==',
  '!=': '!=',
  '<': '>',
  '<=': '>=',
  '>': '<',
  '>=': '<=',
};

function comparison(
  node: Extract<DefenderExpression, { type: 'compare' }>,
  parameters: readonly DefenderParameter[],
  extraFields: ExtraFields,
): string {
  let { op, left, right } = node;
  if (left.type !== 'field' && right.type === 'field') {
    [left, right] = [right, left];
    op = flipped[op];
  }
  const shown = `${describeValue(node.left)} ${node.op} ${describeValue(node.right)}`;
  const refuse = (why: string): never => {
    throw new DefenderExpressionError(`${shown}: ${why}`);
  };
  if (left.type !== 'field' || hasField(right))
    refuse(
      hasField(left) || hasField(right)
        ? 'arithmetic on arguments, or two arguments compared, has no Vigil equivalent: Vigil compares one argument with a value'
        : 'compares two constants; write the condition without it',
    );
  const name = (left as { name: string }).name;
  const argument = resolveArgument(
    name.startsWith('$') ? { position: Number(name.slice(1)), written: name } : { name },
    parameters,
    extraFields,
    (message) => {
      throw new DefenderExpressionError(message);
    },
  );
  // Integers may be written as constant arithmetic: worked out here, exactly.
  const literal: SourceLiteral = /^u?int[0-9]*$/.test(argument.type)
    ? { kind: 'number', text: constantInteger(right, refuse) }
    : sourceLiteral(right);
  return writeComparison(argument, op, literal, { textIgnoresCase: false }, refuse);
}

function sourceLiteral(value: DefenderValue): SourceLiteral {
  switch (value.type) {
    case 'number':
    case 'string':
    case 'hex':
      return { kind: value.type, text: value.text };
    case 'bool':
      return { kind: 'bool', value: value.value };
    default:
      return { kind: 'other', text: describeValue(value) };
  }
}

function hasField(value: DefenderValue): boolean {
  if (value.type === 'field') return true;
  if (value.type === 'arith') return hasField(value.left) || hasField(value.right);
  if (value.type === 'negate') return hasField(value.inner);
  return false;
}

/** An exact rational: numerator / 10^scale. */
interface Exact {
  numerator: bigint;
  denominator: bigint;
}

/** The whole number a constant works out to, exactly; refused when it is a fraction. */
function constantInteger(value: DefenderValue, refuse: (why: string) => never): string {
  const exact = evaluate(value, refuse);
  if (exact.numerator % exact.denominator !== 0n)
    refuse('the value is not a whole number; Vigil compares integers exactly');
  return (exact.numerator / exact.denominator).toString();
}

function evaluate(value: DefenderValue, refuse: (why: string) => never): Exact {
  switch (value.type) {
    case 'number': {
      const [, whole, fraction = '', exponent = '0'] =
        /^([0-9]+)(?:\.([0-9]+))?(?:[eE]([+-]?[0-9]+))?$/.exec(value.text)!;
      const shift = Number(exponent) - fraction.length;
      if (Math.abs(shift) > 200) refuse('the number is out of range');
      const digits = BigInt(`${whole}${fraction}`);
      return shift >= 0
        ? { numerator: digits * 10n ** BigInt(shift), denominator: 1n }
        : { numerator: digits, denominator: 10n ** BigInt(-shift) };
    }
    case 'hex':
      if (value.text.length > 2) return { numerator: BigInt(value.text), denominator: 1n };
      return refuse('0x is not a number');
    case 'negate': {
      const inner = evaluate(value.inner, refuse);
      return { numerator: -inner.numerator, denominator: inner.denominator };
    }
    case 'arith': {
      const a = evaluate(value.left, refuse);
      const b = evaluate(value.right, refuse);
      switch (value.op) {
        case '+':
          return {
            numerator: a.numerator * b.denominator + b.numerator * a.denominator,
            denominator: a.denominator * b.denominator,
          };
        case '-':
          return {
            numerator: a.numerator * b.denominator - b.numerator * a.denominator,
            denominator: a.denominator * b.denominator,
          };
        case '*':
          return {
            numerator: a.numerator * b.numerator,
            denominator: a.denominator * b.denominator,
          };
        case '/':
          if (b.numerator === 0n) refuse('divides by zero');
          return {
            numerator: a.numerator * b.denominator,
            denominator: a.denominator * b.numerator,
          };
        case '%':
          if (a.denominator !== 1n || b.denominator !== 1n || b.numerator === 0n)
            refuse('% is taken of whole numbers only');
          return { numerator: a.numerator % b.numerator, denominator: 1n };
        case '^': {
          if (b.denominator !== 1n || b.numerator < 0n || b.numerator > 256n)
            refuse('^ takes a whole exponent from 0 to 256');
          return {
            numerator: a.numerator ** b.numerator,
            denominator: a.denominator ** b.numerator,
          };
        }
      }
      break;
    }
  }
  return refuse(`${describeValue(value)} is not a number`);
}

function describeValue(value: DefenderValue): string {
  switch (value.type) {
    case 'number':
    case 'hex':
      return value.text;
    case 'string':
      return JSON.stringify(value.text);
    case 'bool':
      return String(value.value);
    case 'field':
      return value.name;
    case 'negate':
      return `-${describeValue(value.inner)}`;
    case 'arith':
      return `${describeValue(value.left)} ${value.op} ${describeValue(value.right)}`;
  }
}
