// Runs the segment builder's thread from TypeScript sources (tests, `npm run serve` via tsx): a
// worker thread does not inherit the parent's loader hooks, so register tsx here first.
import { register } from 'tsx/esm/api';

register();
await import('./segment-build-worker.ts');
