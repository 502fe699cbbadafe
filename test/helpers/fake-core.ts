// A VigilCore for tests of what stands in front of one (the contract server, the desktop shell's
// dialogs): every request is answered by `answer`, as a value or as its JSON text, the way the
// engine thread answers both; nothing else is done.
import type { VigilCore } from '../../src-main/core/app.ts';

export function fakeCore(
  answer: (name: string, input: unknown) => unknown,
  overrides: Partial<Pick<VigilCore, 'allowProjectRoot'>> = {},
): VigilCore {
  const call: VigilCore['call'] = async (name, input) => answer(name, input);
  return {
    call,
    callAsJson: async (name, input, caller) =>
      JSON.stringify((await call(name, input, caller)) ?? null),
    onPush: () => () => undefined,
    allowProjectRoot: async (path) => path,
    close: async () => undefined,
    ...overrides,
  };
}
