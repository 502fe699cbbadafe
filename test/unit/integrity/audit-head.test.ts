// The audit head kept in the keychain: one write per append, a burst coalesced to its newest head
// (never an older one after a newer), and flush waits until the newest is written.
import { describe, expect, it } from 'vitest';
import { createAuditHeadKeeper, type AuditHead } from '../../../src-main/core/integrity/index.ts';

describe('the audit head keeper', () => {
  it('writes the first head at once and, of a burst behind it, only the newest', async () => {
    const written: AuditHead[] = [];
    let release: () => void = () => undefined;
    const keeper = createAuditHeadKeeper(
      (head) =>
        new Promise<void>((resolve) => {
          written.push(head);
          release = resolve;
        }),
      (error) => {
        throw error;
      },
    );
    keeper.record({ seq: 1, hash: 'a' });
    for (let seq = 2; seq <= 5; seq++) keeper.record({ seq, hash: `h${seq}` });
    keeper.record({ seq: 3, hash: 'older' });
    expect(written).toEqual([{ seq: 1, hash: 'a' }]);
    const flushed = keeper.flush();
    release();
    await new Promise((resolve) => setImmediate(resolve));
    expect(written.map((head) => head.seq)).toEqual([1, 5]);
    release();
    await flushed;
    expect(written.map((head) => head.seq)).toEqual([1, 5]);
  });

  it('keeps going after a failed write, and reports it', async () => {
    const errors: unknown[] = [];
    const written: number[] = [];
    const keeper = createAuditHeadKeeper(
      async (head) => {
        if (head.seq === 1) throw new Error('keychain locked');
        written.push(head.seq);
      },
      (error) => errors.push(error),
    );
    keeper.record({ seq: 1, hash: 'a' });
    await keeper.flush();
    keeper.record({ seq: 2, hash: 'b' });
    await keeper.flush();
    expect(errors).toHaveLength(1);
    expect(written).toEqual([2]);
  });
});
