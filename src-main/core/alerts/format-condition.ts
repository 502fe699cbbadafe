// A condition tree written back as text, the form the workspace file keeps and the editor shows
// next to the builder. parseCondition(formatCondition(tree)) gives the same tree back.
import { getAddress } from 'viem';
import type { ConditionNode, ConditionValue } from '../../ipc/contract.ts';

/** Drops empty groups and unwraps groups of one, so the builder's leftovers do not reach the text. */
export function normalizeCondition(node: ConditionNode): ConditionNode {
  switch (node.type) {
    case 'compare':
      return node;
    case 'not': {
      const inner = normalizeCondition(node.condition);
      if (inner.type === 'not') return inner.condition;
      return { type: 'not', condition: inner };
    }
    case 'all':
    case 'any': {
      const parts: ConditionNode[] = [];
      for (const child of node.conditions.map(normalizeCondition)) {
        if ((child.type === 'all' || child.type === 'any') && child.conditions.length === 0)
          continue;
        // all(a, all(b, c)) is all(a, b, c).
        if (child.type === node.type) parts.push(...child.conditions);
        else parts.push(child);
      }
      if (parts.length === 1) return parts[0]!;
      return { type: node.type, conditions: parts };
    }
  }
}

export function formatCondition(node: ConditionNode): string {
  return formatNode(normalizeCondition(node), 'top');
}

function formatNode(node: ConditionNode, context: 'top' | 'all' | 'any' | 'not'): string {
  switch (node.type) {
    case 'compare':
      return `${node.ignoreCase === true ? `lower(${node.field})` : node.field} ${node.op} ${formatValue(node.value)}`;
    case 'not':
      return `not ${node.condition.type === 'compare' || node.condition.type === 'not' ? `(${formatNode(node.condition, 'not')})` : formatNode(node.condition, 'not')}`;
    case 'all':
    case 'any': {
      if (node.conditions.length === 0) return context === 'top' ? '' : '()';
      const text = node.conditions
        .map((child) => formatNode(child, node.type))
        .join(` ${node.type === 'all' ? 'and' : 'or'} `);
      // "and" binds tighter than "or": an any inside an all (or under not) needs parentheses;
      // an all inside an any gets them too, because people read it more easily.
      const needsParens = context === 'not' || (context !== 'top' && context !== node.type);
      return needsParens ? `(${text})` : text;
    }
  }
}

export function formatValue(value: ConditionValue): string {
  switch (value.type) {
    case 'number':
      return formatNumber(value.value);
    case 'hex':
      return value.value.length === 42 ? checksummedOrAsIs(value.value) : value.value.toLowerCase();
    case 'string':
      return JSON.stringify(value.value);
    case 'bool':
      return value.value ? 'true' : 'false';
    case 'list':
      return `[${value.items.map(formatValue).join(', ')}]`;
  }
}

function checksummedOrAsIs(hex: string): string {
  try {
    return getAddress(hex.toLowerCase());
  } catch {
    return hex;
  }
}

/** Big round numbers in e-notation, the way people write token amounts: 1000000e18, 25e17. */
export function formatNumber(decimal: string): string {
  const negative = decimal.startsWith('-');
  const digits = negative ? decimal.slice(1) : decimal;
  const zeros = digits.length - digits.replace(/0+$/, '').length;
  if (digits === '0' || zeros < 9) return decimal;
  // Whole token units read best with the token's usual 18 decimals.
  const exponent = zeros >= 18 ? 18 : zeros;
  return `${negative ? '-' : ''}${digits.slice(0, digits.length - exponent)}e${exponent}`;
}
