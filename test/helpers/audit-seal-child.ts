// A store in a process of its own, for kill -9 tests of audit sealing: opens the data directory
// given, records `count` audit entries (each durable through the journal), prints their sequence
// numbers and hashes, then snapshots, which seals what is due. With VIGIL_CRASH_AT set to a
// sealing step, it dies like kill -9 at that step.
import { writeSync } from 'node:fs';
import { openStore } from '../../src-main/core/store/index.ts';

const [dataDir, countText, keepLive, segmentEntries] = process.argv.slice(2);
const crashAt = process.env['VIGIL_CRASH_AT'];
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

const store = await openStore(dataDir!, quiet, {
  auditSealing: { keepLive: Number(keepLive), segmentEntries: Number(segmentEntries) },
  ...(crashAt
    ? { crashPoint: (point: string) => point === crashAt && process.kill(process.pid, 'SIGKILL') }
    : {}),
});
const written = [];
for (let index = 0; index < Number(countText); index++) {
  const [entry] = store.recordAudit([
    { actor: 'alice', action: 'tx.approved', subject: `tx:${index}`, details: { index } },
  ]);
  written.push([entry!.seq, entry!.hash]);
}
// Synchronous, so the parent has the line before a kill at the next step.
writeSync(1, `${JSON.stringify(written)}\n`);
store.snapshot();
store.close({ snapshot: false });
