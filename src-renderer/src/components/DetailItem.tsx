// One labelled value in a detail pane, with a copy button when there is something to copy.
import { argDisplay, argText } from '../format.ts';
import { CopyButton } from './CopyButton.tsx';
import { ExplorerLink, type ExplorerTarget } from './ExplorerLink.tsx';

export interface DetailItemProps {
  label: string;
  value: string;
  copy?: string;
  mono?: boolean;
  pre?: boolean;
  /** The value's page in the chain's block explorer. */
  explorer?: { chainId: number; kind: ExplorerTarget; value: string | number };
}

export function DetailItem({ label, value, copy, mono, pre, explorer }: DetailItemProps) {
  const shown = pre ? JSON.stringify(JSON.parse(value), null, 2) : value;
  return (
    <div className="detail-item">
      <dt>
        <span>{label}</span>
        {copy !== undefined && <CopyButton text={copy} />}
        {explorer && <ExplorerLink {...explorer} />}
      </dt>
      <dd className={mono ? 'mono break' : undefined}>{pre ? <pre>{shown}</pre> : shown}</dd>
    </div>
  );
}

/**
 * Decoded arguments by name (an event's or a call's), structures shown as indented JSON. An
 * amount of a token reads with its symbol, the exact integer beside it and in the copy.
 */
export function ArgList({
  args,
  amountOf,
}: {
  args: Record<string, unknown>;
  amountOf?: (name: string, value: unknown) => { text: string; exact: string } | null;
}) {
  return (
    <dl className="detail-list">
      {Object.entries(args).map(([name, value]) => {
        const amount = amountOf?.(name, value);
        if (amount)
          return (
            <div className="detail-item" key={name}>
              <dt>
                <span>{name}</span>
                <CopyButton text={argText(value)} />
              </dt>
              <dd className="mono break">
                <span title={amount.exact}>{amount.text}</span>{' '}
                <span className="muted small">{argDisplay(value)}</span>
              </dd>
            </div>
          );
        return (
          <DetailItem
            key={name}
            label={name}
            value={argDisplay(value)}
            copy={argText(value)}
            mono
            pre={typeof value === 'object' && value !== null}
          />
        );
      })}
    </dl>
  );
}
