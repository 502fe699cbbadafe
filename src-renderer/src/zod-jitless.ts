// The renderer's CSP has no 'unsafe-eval'. zod compiles fast object parsers with `new Function`
// and probes for it on first use; the probe is caught, but the browser still reports a CSP
// violation each time. Imported first by main.tsx, before anything parses.
import { config } from 'zod';

config({ jitless: true });
