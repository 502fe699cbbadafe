// vitest's global setup: decides once for the whole run whether headless Vigil runs from the
// built output or from the sources, says which, and passes the choice to every test worker.
import { chooseServeSource } from './serve.ts';

export default function setup(): void {
  const { source, why } = chooseServeSource();
  console.log(`headless Vigil: ${why}`);
  process.env['VIGIL_SERVE_FROM'] = source;
}
