// Types for modules.mjs, which stays plain JavaScript so stryker.config.mjs can load it in Node.
export interface MutationModule {
  /** Globs (or `file:from-to` line ranges) Stryker mutates. */
  mutate: string[];
  /** The only tests run against each mutant. */
  tests: string[];
  /** Skip static mutants (module-level code), which would each run every test of the set. */
  ignoreStatic?: boolean;
  /** Stryker's timeout per mutant (20 s when omitted). */
  timeoutMS?: number;
}

export const mutationModules: Record<string, MutationModule>;
