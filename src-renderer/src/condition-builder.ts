// The condition builder's model: the condition tree's shape (all / any groups, not, comparisons)
// with each comparison's value kept as the literal the operator typed ("1000e18",
// "[0xabc…, 0xdef…]"). It is written out as the textual form, which main parses and checks
// (alerts.conditions.check); main's tree for a text comes back into the builder through
// builderFromTree. Main owns the language; this file only joins and splits it.
import type { CompareOp, ConditionNode, ConditionValue } from '@contract';

export type BuilderNode = BuilderGroup | BuilderComparison;

export interface BuilderGroup {
  kind: 'group';
  key: string;
  mode: 'all' | 'any';
  negated: boolean;
  children: BuilderNode[];
}

export interface BuilderComparison {
  kind: 'compare';
  key: string;
  negated: boolean;
  field: string;
  op: CompareOp;
  /** The literal as typed: 5, 1000e18, 0xabc…, "text", true, [a, b]. */
  value: string;
  /** Text compared without regard to case: written lower(field). */
  ignoreCase: boolean;
}

let nextKey = 1;
const key = (): string => `n${nextKey++}`;

export function emptyGroup(mode: 'all' | 'any' = 'all'): BuilderGroup {
  return { kind: 'group', key: key(), mode, negated: false, children: [] };
}

export function newComparison(field = '', op: CompareOp = '=='): BuilderComparison {
  return { kind: 'compare', key: key(), negated: false, field, op, value: '', ignoreCase: false };
}

/** A literal from main's tree as text the parser reads back to the same value. */
export function literalText(value: ConditionValue): string {
  switch (value.type) {
    case 'number':
      return numberText(value.value);
    case 'hex':
      return value.value;
    case 'string':
      return JSON.stringify(value.value);
    case 'bool':
      return String(value.value);
    case 'list':
      return `[${value.items.map(literalText).join(', ')}]`;
  }
}

/** Round amounts as people write them (25e17, 1000000e18); any other integer as it is. */
export function numberText(decimal: string): string {
  const digits = decimal.replace(/^-/, '');
  const zeros = digits.length - digits.replace(/0+$/, '').length;
  if (digits === '0' || zeros < 9) return decimal;
  const exponent = Math.min(zeros, 18);
  return `${decimal.slice(0, decimal.length - exponent)}e${exponent}`;
}

/** Main's tree (from parsing a text) as the builder's model; the root is always a group. */
export function builderFromTree(tree: ConditionNode): BuilderGroup {
  const node = toBuilder(tree, false);
  if (node.kind === 'group') return node;
  return { ...emptyGroup(), children: [node] };
}

function toBuilder(tree: ConditionNode, negated: boolean): BuilderNode {
  switch (tree.type) {
    case 'not':
      return toBuilder(tree.condition, !negated);
    case 'all':
    case 'any':
      return {
        ...emptyGroup(tree.type),
        negated,
        children: tree.conditions.map((child) => toBuilder(child, false)),
      };
    case 'compare':
      return {
        kind: 'compare',
        key: key(),
        negated,
        field: tree.field,
        op: tree.op,
        value: literalText(tree.value),
        ignoreCase: tree.ignoreCase === true,
      };
  }
}

/**
 * The textual form of the builder's model. Empty comparisons and groups are left out; an
 * unfinished comparison (no value yet) is written as is, so the live check says what is missing.
 */
export function builderText(root: BuilderGroup): string {
  return groupText(root, true);
}

function groupText(group: BuilderGroup, top: boolean): string {
  const parts = group.children
    .map((child) => (child.kind === 'group' ? groupText(child, false) : comparisonText(child)))
    .filter((text) => text !== '');
  if (parts.length === 0) return '';
  const joined = parts.join(group.mode === 'all' ? ' and ' : ' or ');
  const wrapped = !top && parts.length > 1 ? `(${joined})` : joined;
  if (!group.negated) return wrapped;
  return `not ${wrapped.startsWith('(') ? wrapped : `(${wrapped})`}`;
}

function comparisonText(comparison: BuilderComparison): string {
  if (comparison.field === '') return '';
  const field = comparison.ignoreCase ? `lower(${comparison.field})` : comparison.field;
  const text = `${field} ${comparison.op} ${comparison.value.trim()}`.trimEnd();
  return comparison.negated ? `not (${text})` : text;
}

/** The tree with one node replaced (by key), or removed when `replacement` is null. */
export function replaceNode(
  root: BuilderGroup,
  target: string,
  replacement: BuilderNode | null,
): BuilderGroup {
  const visit = (node: BuilderNode): BuilderNode | null => {
    if (node.key === target) return replacement;
    if (node.kind !== 'group') return node;
    return {
      ...node,
      children: node.children.map(visit).filter((child): child is BuilderNode => child !== null),
    };
  };
  return visit(root) as BuilderGroup;
}
