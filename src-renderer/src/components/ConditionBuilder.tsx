// The condition builder: groups (all of / any of, optionally negated) of comparisons (field,
// operator, value). Its model is written out as the textual form on every change; the editor
// checks that text with main and shows what is wrong.
import { CompareOp, type ConditionField } from '@contract';
import {
  emptyGroup,
  newComparison,
  replaceNode,
  type BuilderComparison,
  type BuilderGroup,
  type BuilderNode,
} from '../condition-builder.ts';
import { Checkbox } from './Inputs.tsx';

interface ConditionBuilderProps {
  root: BuilderGroup;
  fields: ConditionField[];
  onChange: (root: BuilderGroup) => void;
}

export function ConditionBuilder({ root, fields, onChange }: ConditionBuilderProps) {
  const replace = (target: string, replacement: BuilderNode | null): void =>
    onChange(replaceNode(root, target, replacement));
  return (
    <div className="cb" aria-label="Condition builder" role="group">
      <GroupEditor group={root} fields={fields} isRoot replace={replace} />
    </div>
  );
}

interface GroupEditorProps {
  group: BuilderGroup;
  fields: ConditionField[];
  isRoot?: boolean;
  replace: (target: string, replacement: BuilderNode | null) => void;
}

function GroupEditor({ group, fields, isRoot = false, replace }: GroupEditorProps) {
  const update = (change: Partial<BuilderGroup>): void =>
    replace(group.key, { ...group, ...change });
  const firstField = fields[0];
  return (
    <div className={isRoot ? 'cb-group cb-root' : 'cb-group'}>
      <div className="cb-group-head">
        <Checkbox checked={group.negated} onChange={(negated) => update({ negated })}>
          not
        </Checkbox>
        <select
          aria-label="Match"
          value={group.mode}
          onChange={(event) => update({ mode: event.target.value as 'all' | 'any' })}
        >
          <option value="all">all of (and)</option>
          <option value="any">any of (or)</option>
        </select>
        {group.children.length === 0 && (
          <span className="muted small">
            {isRoot ? 'No conditions: every event matches.' : 'Empty group.'}
          </span>
        )}
        {!isRoot && (
          <button
            type="button"
            className="button-small button-danger-quiet cb-remove"
            aria-label="Remove group"
            onClick={() => replace(group.key, null)}
          >
            Remove group
          </button>
        )}
      </div>
      {group.children.map((child) =>
        child.kind === 'group' ? (
          <GroupEditor key={child.key} group={child} fields={fields} replace={replace} />
        ) : (
          <ComparisonEditor key={child.key} comparison={child} fields={fields} replace={replace} />
        ),
      )}
      <div className="cb-actions">
        <button
          type="button"
          className="button-small"
          disabled={fields.length === 0}
          onClick={() =>
            update({
              children: [
                ...group.children,
                newComparison(firstField?.name ?? '', firstField?.ops[0] ?? '=='),
              ],
            })
          }
        >
          + Condition
        </button>
        <button
          type="button"
          className="button-small"
          disabled={fields.length === 0}
          onClick={() =>
            update({
              children: [...group.children, emptyGroup(group.mode === 'all' ? 'any' : 'all')],
            })
          }
        >
          + Group
        </button>
      </div>
    </div>
  );
}

const opLabels: Record<CompareOp, string> = {
  '==': '==',
  '!=': '!=',
  '<': '<',
  '<=': '<=',
  '>': '>',
  '>=': '>=',
  in: 'in',
  contains: 'contains',
  starts_with: 'starts with',
  ends_with: 'ends with',
};

/** lower(field) is all lowercase, so a literal typed with capitals could never match it. */
function lowercased(literal: string): string {
  return literal.toLowerCase();
}

function placeholderFor(field: ConditionField | undefined, op: CompareOp): string {
  if (!field) return '';
  const list = op === 'in';
  const type = field.type.replace(/\[\d*\]$/, '');
  const example = type.startsWith('address')
    ? '0x70997970C51812dc3A010C7d01b50e0d17dc79C8'
    : /^u?int/.test(type)
      ? '1000e18'
      : type === 'bool'
        ? 'true'
        : type === 'string'
          ? '"text"'
          : '0xdeadbeef';
  return list ? `[${example}, …]` : example;
}

function ComparisonEditor({
  comparison,
  fields,
  replace,
}: {
  comparison: BuilderComparison;
  fields: ConditionField[];
  replace: GroupEditorProps['replace'];
}) {
  const update = (change: Partial<BuilderComparison>): void =>
    replace(comparison.key, { ...comparison, ...change });
  const field = fields.find((candidate) => candidate.name === comparison.field);
  const ops = field?.ops ?? CompareOp.options;
  return (
    <div className="cb-row" data-testid="condition-row">
      <Checkbox checked={comparison.negated} onChange={(negated) => update({ negated })}>
        not
      </Checkbox>
      <select
        aria-label="Field"
        value={comparison.field}
        onChange={(event) => {
          const next = fields.find((candidate) => candidate.name === event.target.value);
          update({
            field: event.target.value,
            op: next && !next.ops.includes(comparison.op) ? next.ops[0]! : comparison.op,
            ignoreCase: comparison.ignoreCase && next?.ignoreCase === true,
          });
        }}
      >
        {!field && <option value={comparison.field}>{comparison.field || 'choose a field'}</option>}
        {fields.map((candidate) => (
          <option key={candidate.name} value={candidate.name}>
            {candidate.name} ({candidate.type})
          </option>
        ))}
      </select>
      <select
        aria-label="Operator"
        value={comparison.op}
        onChange={(event) => update({ op: event.target.value as CompareOp })}
      >
        {ops.map((op) => (
          <option key={op} value={op}>
            {opLabels[op]}
          </option>
        ))}
      </select>
      {(field?.ignoreCase === true || comparison.ignoreCase) && (
        <Checkbox
          checked={comparison.ignoreCase}
          onChange={(ignoreCase) =>
            update({
              ignoreCase,
              value: ignoreCase ? lowercased(comparison.value) : comparison.value,
            })
          }
        >
          ignore case
        </Checkbox>
      )}
      <input
        aria-label="Value"
        className="mono"
        value={comparison.value}
        placeholder={placeholderFor(field, comparison.op)}
        spellCheck={false}
        onChange={(event) => update({ value: event.target.value })}
      />
      <button
        type="button"
        className="button-small button-danger-quiet"
        aria-label="Remove condition"
        onClick={() => replace(comparison.key, null)}
      >
        ×
      </button>
    </div>
  );
}
