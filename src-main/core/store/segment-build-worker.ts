// The segment builder's thread (see segment-build-thread.ts): it inserts a final backfill
// range's rows into a segment being built, builds its indexes, and writes the file and its
// Bloom filter durably (on libuv's threads, while it builds the next), while the engine's thread
// fetches and decodes the next range.
// It never lists a segment: the engine lists it in the manifest when told it is written.
import { workerData, type MessagePort } from 'node:worker_threads';
import { loadSqlJs } from './database.ts';
import { createSegmentBuilder, writeSegmentAsync, type SegmentBuilder } from './segment-file.ts';
import type { BuildReply, BuildRequest, SegmentBuildThreadData } from './segment-build-thread.ts';

const { port, signal, dir } = workerData as SegmentBuildThreadData;
const flag = new Int32Array(signal);
const builders = new Map<number, SegmentBuilder>();
/** Requests for builds that failed: their later appends are dropped, their finish answers the error. */
const failed = new Map<number, string>();

function reply(message: BuildReply): void {
  (port as MessagePort).postMessage(message);
  // Wakes the engine if it is waiting for this build (segment-build-thread.ts waitFor).
  Atomics.add(flag, 0, 1);
  Atomics.notify(flag, 0);
}

const messageOf = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);

const SQL = await loadSqlJs();

(port as MessagePort).on('message', (request: BuildRequest) => {
  if (failed.has(request.id)) {
    if (request.t === 'finish') {
      reply({ id: request.id, error: failed.get(request.id)! });
      failed.delete(request.id);
    }
    if (request.t === 'discard') failed.delete(request.id);
    return;
  }
  try {
    switch (request.t) {
      case 'begin':
        builders.set(request.id, createSegmentBuilder(SQL, request.chainId, request.expectedRows));
        return;
      case 'append':
        builders.get(request.id)!.append(request.events, request.blocks);
        return;
      case 'finish': {
        const builder = builders.get(request.id)!;
        builders.delete(request.id);
        const built = builder.finish(request.segmentId);
        // Answered once both files are on disk; the next segment is built meanwhile.
        writeSegmentAsync(dir, built).then(
          () => reply({ id: request.id, summary: built.summary }),
          (error: unknown) => reply({ id: request.id, error: messageOf(error) }),
        );
        return;
      }
      case 'discard':
        builders.get(request.id)?.discard();
        builders.delete(request.id);
        return;
    }
  } catch (error) {
    builders.get(request.id)?.discard();
    builders.delete(request.id);
    const message = messageOf(error);
    if (request.t === 'finish') reply({ id: request.id, error: message });
    else failed.set(request.id, message);
  }
});
