// The module sets `npm run mutation` mutates, each with the unit tests that guard it: a mutant
// is run only against those, so a set finishes in minutes on two cores. Add a set here when a
// module joins the list of places where a silent regression costs money or trust.
export const mutationModules = {
  'audit-hash': {
    mutate: [
      'src-main/core/audit-chain/audit-entry.ts',
      'src-main/core/audit-chain/canonical-json.ts',
      'src-main/core/audit/verify-entries.ts',
    ],
    tests: ['test/unit/audit/**/*.test.ts'],
  },
  'audit-export': {
    mutate: [
      'src-main/core/audit/verify-export.ts',
      'src-main/core/audit/read-export.ts',
      'src-main/core/audit/export-format.ts',
    ],
    // Unit tests only: test/unit/audit/export-reading.test.ts reaches every branch in process.
    // The on-disk export test (a store, and `npm run audit:verify` run as child processes, which
    // the mutants do not reach) made a run take about an hour; it stays in `npm test`.
    tests: ['test/unit/audit/**/*.test.ts'],
    // These tests take milliseconds; a mutant that loops forever (the line splitter) is known
    // in 5 s instead of the default 20.
    timeoutMS: 5_000,
  },
  'webhook-signing': {
    mutate: ['src-main/core/alerts/webhook.ts'],
    tests: ['test/unit/alerts/webhook.test.ts'],
  },
  'alert-conditions': {
    mutate: [
      'src-main/core/rule-syntax/parse-condition.ts',
      'src-main/core/alerts/compile-condition.ts',
      'src-main/core/alerts/event-matcher.ts',
    ],
    tests: [
      'test/unit/alerts/condition.test.ts',
      'test/unit/alerts/condition-evaluation.test.ts',
      'test/unit/alerts/condition-syntax.test.ts',
    ],
    // The field tables and operator lists are module-level: each static mutant would rerun the
    // whole condition suite (an estimated two hours on two cores). Their behaviour is still
    // covered by the same tests; only their mutants are not run.
    ignoreStatic: true,
  },
  'simulation-changes': {
    // simulationChanges only; the rest of simulate.ts talks to a node and is covered on anvil.
    mutate: ['src-main/core/txqueue/simulate.ts:109-137'],
    tests: ['test/unit/txqueue/simulation-changes.test.ts'],
  },
  fees: {
    mutate: ['src-main/core/txqueue/fees.ts'],
    tests: ['test/unit/txqueue/fees.test.ts'],
  },
  'nonce-lanes': {
    mutate: ['src-main/core/txqueue/nonce-manager.ts'],
    tests: ['test/unit/txqueue/nonce-manager.test.ts'],
  },
  journal: {
    mutate: ['src-main/core/store/journal.ts'],
    tests: [
      'test/unit/store/journal.test.ts',
      'test/unit/store/journal-compaction.test.ts',
      'test/unit/store/journal-seals.test.ts',
    ],
  },
  keys: {
    mutate: ['src-main/core/keys/private-key.ts'],
    tests: ['test/unit/keys/private-key.test.ts'],
  },
};
