// OpenZeppelin Monitor's filter expressions, `value > 1000 AND (to == 0xabc… OR memo contains
// 'refund')`, read into a tree, and that tree written in Vigil's condition language where the
// meaning is kept exactly. OZ Monitor compares strings without regard to case; Vigil compares
// them exactly, so a text comparison is carried over only where case cannot matter (the literal
// has no letters that change case); `starts_with` and `ends_with` have no Vigil operator.

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
export interface OzParameter {
  name: string;
  type: string;
}

export type TranslateResult = { ok: true; condition: string } | { ok: false; reason: string };

// Vigil's condition keywords cannot be field names there.
const vigilKeywords = new Set(['and', 'or', 'not', 'in', 'contains', 'true', 'false']);

/**
 * Writes an OZ expression over an event's parameters (named, or by position) as a Vigil
 * condition that selects the same events, or says why it cannot.
 */
export function translateOzExpression(
  text: string,
  parameters: readonly OzParameter[],
  /** Fields outside the parameters: the transaction's `from`, `to`, `value` as tx.from … */
  extraFields: Readonly<Record<string, { vigilField: string; type: string }>> = {},
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
  extraFields: Readonly<Record<string, { vigilField: string; type: string }>>,
  parent: 'and' | 'or' | undefined,
): string {
  if (node.type !== 'compare') {
    const text = `${write(node.left, parameters, extraFields, node.type)} ${node.type} ${write(node.right, parameters, extraFields, node.type)}`;
    return parent !== undefined && parent !== node.type ? `(${text})` : text;
  }
  const { field, type } = resolveField(node.field, parameters, extraFields);
  return `${field} ${comparison(node, type)}`;
}

function resolveField(
  name: string,
  parameters: readonly OzParameter[],
  extraFields: Readonly<Record<string, { vigilField: string; type: string }>>,
): { field: string; type: string } {
  if (/[.[]/.test(name))
    throw new OzExpressionError(
      `"${name}" reads inside a tuple, list or map; Vigil's importer does not translate those`,
    );
  let parameter: OzParameter | undefined;
  if (/^[0-9]+$/.test(name)) {
    parameter = parameters[Number(name)];
    if (parameter === undefined)
      throw new OzExpressionError(
        `argument ${name} does not exist: the event has ${parameters.length} parameter(s)`,
      );
    if (parameter.name === '')
      throw new OzExpressionError(
        `argument ${name} has no name in the ABI, and Vigil names arguments by name`,
      );
  } else {
    // OZ Monitor names arguments by their ABI name, as written.
    parameter = parameters.find((candidate) => candidate.name === name);
    const extra = parameter === undefined ? extraFields[name] : undefined;
    if (extra) return { field: extra.vigilField, type: extra.type };
    if (parameter === undefined)
      throw new OzExpressionError(
        `"${name}" is not a parameter (${parameters.map((candidate) => candidate.name).join(', ') || 'none'})`,
      );
  }
  if (vigilKeywords.has(parameter.name.toLowerCase()))
    throw new OzExpressionError(
      `the parameter "${parameter.name}" is a keyword of Vigil's conditions`,
    );
  return { field: parameter.name, type: parameter.type };
}

/** The operator and value in Vigil's syntax, for a parameter of this Solidity type. */
function comparison(node: Extract<OzExpression, { type: 'compare' }>, type: string): string {
  const { op, value } = node;
  const quoted = (text: string): string => JSON.stringify(text);
  const refuse = (why: string): never => {
    throw new OzExpressionError(`${node.field} ${op} ${literalText(value)}: ${why}`);
  };
  if (type.endsWith(']') || type.startsWith('tuple') || type.startsWith('('))
    refuse(`${type} values are not compared by the importer`);
  if (op === 'starts_with' || op === 'ends_with')
    refuse(`Vigil's conditions have no ${op} operator`);
  if (/^u?int[0-9]*$/.test(type)) {
    if (op === 'contains') refuse('contains does not apply to numbers');
    const text =
      value.kind === 'number' ? value.text : value.kind === 'string' ? value.text : undefined;
    if (text === undefined || !/^-?[0-9]+$/.test(text))
      refuse(
        `${type} is compared with a whole number; Vigil compares integers exactly, not as decimals`,
      );
    return `${op} ${text}`;
  }
  if (op !== '==' && op !== '!=' && op !== 'contains')
    refuse(`${op} orders numbers only, and this is ${type}`);
  if (type === 'address') {
    const text = value.kind === 'hex' || value.kind === 'string' ? value.text : '';
    if (!/^0x[0-9a-fA-F]{40}$/.test(text))
      refuse('an address is compared with a 20-byte 0x address');
    // Both sides compare without regard to case, in OZ Monitor and in Vigil; lowercase, so a
    // mixed-case literal is not read as a checksum it fails.
    if (op === 'contains') refuse('contains on an address has no Vigil equivalent');
    return `${op} ${text.toLowerCase()}`;
  }
  if (type === 'bool') {
    if (value.kind !== 'bool' || op === 'contains') refuse('a bool is compared with true or false');
    return `${op} ${String((value as { value: boolean }).value)}`;
  }
  if (/^bytes[0-9]*$/.test(type)) {
    if (value.kind !== 'hex' && !(value.kind === 'string' && /^0x[0-9a-fA-F]*$/.test(value.text)))
      refuse('bytes are compared with 0x-hex');
    if (op === 'contains') refuse('OZ Monitor matches bytes as text, Vigil at byte boundaries');
    return `${op} ${(value as { text: string }).text.toLowerCase()}`;
  }
  if (type === 'string') {
    if (value.kind !== 'string') refuse('text is compared with a quoted string');
    const text = (value as { text: string }).text;
    if (text.toLowerCase() !== text.toUpperCase())
      refuse(
        'OZ Monitor compares text without regard to case, Vigil exactly; a literal with letters would select fewer events',
      );
    return `${op} ${quoted(text)}`;
  }
  return refuse(`${type} values are not compared by the importer`);
}

function literalText(value: OzLiteral): string {
  if (value.kind === 'bool') return String(value.value);
  return value.kind === 'string' ? JSON.stringify(value.text) : value.text;
}
