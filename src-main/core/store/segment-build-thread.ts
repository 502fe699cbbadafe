// Final backfill ranges are built into segments on a thread of their own: inserting rows into
// sql.js, building the indexes and writing the file took more of the engine's thread than
// fetching and decoding them (about 30 of 50 µs an event), so a backfill went at the pace of
// one core. Here the engine posts rows and goes on; the builder answers when a segment is
// written, and the engine lists it (the manifest stays the engine's alone, so what is listed,
// and in which order, is decided in one place).
//
// The engine's store is synchronous, so answers are read without the event loop: replies queue
// on a port nobody listens to (receiveMessageOnPort takes them), and a shared counter the
// builder bumps after each reply lets the engine block on Atomics.wait until one arrives.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  MessageChannel,
  receiveMessageOnPort,
  Worker,
  type MessagePort,
} from 'node:worker_threads';
import { transferablesOf, type PackedRows } from './packed-rows.ts';
import type { BlockTuple, SegmentSummary } from './segment-file.ts';

export type BuildRequest =
  | { t: 'begin'; id: number; chainId: number; expectedRows: number }
  | { t: 'append'; id: number; events: PackedRows; blocks: readonly BlockTuple[] }
  | { t: 'finish'; id: number; segmentId: number }
  | { t: 'discard'; id: number };

/** A build's outcome: its segment written durably (not yet listed), or why it failed. */
export type BuildReply = { id: number; summary: SegmentSummary } | { id: number; error: string };

export interface SegmentBuildThreadData {
  port: MessagePort;
  signal: SharedArrayBuffer;
  /** Where segment files go. */
  dir: string;
}

export interface SegmentBuildThread {
  /** Starts a build and returns its id; nothing waits. */
  begin(chainId: number, expectedRows: number): number;
  /** Hands packed rows over: their buffers move to the builder's thread (unusable here after). */
  append(id: number, events: PackedRows, blocks: readonly BlockTuple[]): void;
  /** Asks for the build's segment, named with segmentId, to be built and written. */
  finish(id: number, segmentId: number): void;
  discard(id: number): void;
  /** The build's outcome if it has arrived, without waiting. */
  poll(id: number): BuildReply | undefined;
  /** The build's outcome, blocking this thread until it arrives. */
  waitFor(id: number): BuildReply;
  /**
   * Ends the thread once nothing has been asked of it for idleMs and every build has answered:
   * its sql.js memory (as large as the largest segment built) goes back to the system, and the
   * next backfill starts a new one.
   */
  closeIfIdle(idleMs: number): void;
  close(): Promise<void>;
}

/** How long waitFor blocks before it calls the builder lost (a build takes well under this). */
const answerTimeoutMs = 5 * 60_000;

/** The thread's script: the TypeScript source through tsx in development, the bundle when built. */
function builderScriptUrl(): URL {
  if (import.meta.url.endsWith('.ts'))
    return new URL('./segment-build-worker-dev.mjs', import.meta.url);
  // Built: out/main/segment-builder.js, next to the chunk that holds this code or one folder up.
  for (const candidate of ['./segment-builder.js', '../segment-builder.js']) {
    const url = new URL(candidate, import.meta.url);
    if (existsSync(fileURLToPath(url))) return url;
  }
  throw new Error(`segment-builder.js not found next to ${import.meta.url}; run npm run build`);
}

/** Started at the first build: a store that only follows a chain never needs one. */
export function createSegmentBuildThread(dir: string): SegmentBuildThread {
  let started: { worker: Worker; port: MessagePort; flag: Int32Array } | undefined;
  let nextId = 1;
  /** Builds begun and not yet answered or discarded. */
  const open = new Set<number>();
  let lastRequestAt = 0;
  const arrived = new Map<number, BuildReply>();

  const thread = () => {
    if (!started) {
      const { port1, port2 } = new MessageChannel();
      const signal = new SharedArrayBuffer(4);
      const worker = new Worker(builderScriptUrl(), {
        workerData: { port: port2, signal, dir } satisfies SegmentBuildThreadData,
        transferList: [port2],
      });
      // Its failures come back as replies; this only keeps an unexpected exit from being silent.
      worker.on('error', () => undefined);
      worker.unref();
      port1.unref();
      started = { worker, port: port1, flag: new Int32Array(signal) };
    }
    return started;
  };
  const send = (request: BuildRequest, transfer: ArrayBuffer[] = []): void => {
    lastRequestAt = Date.now();
    thread().port.postMessage(request, transfer);
  };
  const drain = (): void => {
    if (!started) return;
    for (;;) {
      const received = receiveMessageOnPort(started.port);
      if (!received) return;
      const reply = received.message as BuildReply;
      open.delete(reply.id);
      arrived.set(reply.id, reply);
    }
  };
  const take = (id: number): BuildReply | undefined => {
    const reply = arrived.get(id);
    if (reply) arrived.delete(id);
    return reply;
  };

  return {
    begin(chainId, expectedRows) {
      const id = nextId++;
      open.add(id);
      send({ t: 'begin', id, chainId, expectedRows });
      return id;
    },
    append: (id, events, blocks) =>
      send({ t: 'append', id, events, blocks }, transferablesOf(events)),
    finish: (id, segmentId) => send({ t: 'finish', id, segmentId }),
    discard(id) {
      open.delete(id);
      send({ t: 'discard', id });
    },
    poll(id) {
      drain();
      return take(id);
    },
    waitFor(id) {
      const { flag } = thread();
      const deadline = Date.now() + answerTimeoutMs;
      for (;;) {
        // Read the counter before draining: a reply posted after the drain bumps it, so the
        // wait below returns at once instead of missing it.
        const seen = Atomics.load(flag, 0);
        drain();
        const reply = take(id);
        if (reply) return reply;
        if (Date.now() > deadline)
          return { id, error: 'the segment builder thread did not answer within 5 minutes' };
        Atomics.wait(flag, 0, seen, 1_000);
      }
    },
    closeIfIdle(idleMs) {
      if (!started || open.size > 0 || Date.now() - lastRequestAt < idleMs) return;
      void this.close();
    },
    async close() {
      if (!started) return;
      const { worker, port } = started;
      started = undefined;
      port.close();
      await worker.terminate();
    },
  };
}
