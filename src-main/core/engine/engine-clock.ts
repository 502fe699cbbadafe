// The engine's clock when a test drives it. The engine runs in a worker thread, so a test in
// main cannot hand it a function: it hands shared memory holding an offset in milliseconds,
// which the engine adds to Date.now and the test moves on (time only goes forward, as it does).

/** Shared memory for one offset, starting at 0 (the engine then reads Date.now exactly). */
export function createClockOffset(): SharedArrayBuffer {
  return new SharedArrayBuffer(BigInt64Array.BYTES_PER_ELEMENT);
}

/** Moves the engine's clock `milliseconds` forward. */
export function advanceClockOffset(offset: SharedArrayBuffer, milliseconds: number): void {
  if (!Number.isSafeInteger(milliseconds) || milliseconds < 0)
    throw new RangeError(`A clock only moves forward, by whole milliseconds; got ${milliseconds}`);
  Atomics.add(new BigInt64Array(offset), 0, BigInt(milliseconds));
}

/** Date.now plus the offset, read fresh each time. */
export function offsetClock(offset: SharedArrayBuffer): () => number {
  const view = new BigInt64Array(offset);
  return () => Date.now() + Number(Atomics.load(view, 0));
}
