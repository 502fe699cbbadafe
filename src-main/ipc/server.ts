// The contract's server side: every request is checked against its schema as if it came from a
// stranger, then run by the core; the answer, or the error with its code and the input it is
// about, goes back as an envelope. Electron's ipcMain wiring and headless mode both use this.
import type { z } from 'zod';
import type { Caller, PushListener, VigilCore } from '../core/app.ts';
import { toContractError } from '../core/errors/index.ts';
import {
  requests,
  shellRequestNames,
  type ContractError,
  type Envelope,
  type RequestName,
  type RequestOutput,
  type ShellRequestName,
  type ValidatedInput,
} from './contract.ts';
import { desktopExportInput, type ExportHandleBook } from './export-handles.ts';

/** Requests the desktop shell answers itself (a save dialog), by name. */
export type ShellHandlers = {
  [N in ShellRequestName]?: (input: ValidatedInput<N>) => Promise<RequestOutput<N>>;
};

/** What the desktop app adds: its dialogs, and the export handles its save dialog gave out. */
export interface DesktopShell {
  handlers: ShellHandlers;
  exportHandles: ExportHandleBook;
}

/** Why a desktop-only request has no answer here, and what to do instead. */
const headlessInstead: Record<ShellRequestName, string> = {
  'dialog.chooseExportFile': 'here, exports are written to the exports folder and downloaded',
  'dialog.chooseProjectFolder':
    'here, the project folders discovery may read are given to headless mode with --project-root DIR',
};

function isShellRequest(name: RequestName): name is ShellRequestName {
  return (shellRequestNames as readonly string[]).includes(name);
}

export interface ContractServer {
  /** `caller` says who sent it, as the transport knows (see core/approvals/caller.ts). */
  handle(name: string, input: unknown, caller?: Caller): Promise<Envelope<unknown>>;
  /** handle, with the answer's value as JSON text: made once, in the thread that answered. */
  handleAsJson(name: string, input: unknown, caller?: Caller): Promise<Envelope<string>>;
  onPush(listener: PushListener): () => void;
}

function isRequestName(name: string): name is RequestName {
  return Object.prototype.hasOwnProperty.call(requests, name);
}

/** "rpcUrls[1]", "abi", "contracts[0].address" */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const part of path) {
    if (typeof part === 'number') text += `[${part}]`;
    else text += text ? `.${String(part)}` : String(part);
  }
  return text;
}

export function invalidInputError(name: string, error: z.ZodError): ContractError {
  const problems = error.issues.map((issue) => ({
    field: formatIssuePath(issue.path),
    message: issue.message,
  }));
  const first = problems[0]!;
  return {
    code: 'INVALID_INPUT',
    message: `${name}: ${first.field ? `${first.field}: ` : ''}${first.message}${problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : ''}`,
    ...(first.field ? { field: first.field } : {}),
    details: { problems },
  };
}

/**
 * `shell` answers the requests only a desktop shell can (dialogs); without one (headless mode)
 * they are answered NOT_AVAILABLE, and the core never sees them. A desktop caller's audit.export
 * names its file by a save-dialog handle, never by path.
 */
export function createContractServer(core: VigilCore, shell?: DesktopShell): ContractServer {
  /** How an answer is given: as the value itself (desktop IPC), or as its JSON text (headless). */
  interface AnswerForm<V> {
    fromCore(name: RequestName, input: unknown, caller?: Caller): Promise<V>;
    fromShell(value: unknown): V;
  }
  const asValue: AnswerForm<unknown> = {
    fromCore: (...call) => core.call(...call),
    fromShell: (value) => value,
  };
  const asJson: AnswerForm<string> = {
    fromCore: (...call) => core.callAsJson(...call),
    fromShell: (value) => JSON.stringify(value ?? null),
  };

  /** Checks the request and runs it: the shell's requests in the shell, the others in the core. */
  async function run<V>(
    name: string,
    input: unknown,
    caller: Caller | undefined,
    form: AnswerForm<V>,
  ): Promise<Envelope<V>> {
    if (!isRequestName(name)) {
      return {
        ok: false,
        error: { code: 'UNKNOWN_METHOD', message: `Unknown method "${name}".` },
      };
    }
    const parsed = requests[name].input.safeParse(input);
    if (!parsed.success) return { ok: false, error: invalidInputError(name, parsed.error) };
    try {
      if (isShellRequest(name)) {
        const answer = shell?.handlers[name];
        if (!answer) {
          return {
            ok: false,
            error: {
              code: 'NOT_AVAILABLE',
              message: `${name} is answered by the desktop app only; ${headlessInstead[name]}.`,
            },
          };
        }
        return { ok: true, value: form.fromShell(await answer(parsed.data as never)) };
      }
      const validated =
        name === 'audit.export' && caller?.kind === 'desktop'
          ? desktopExportInput(parsed.data as ValidatedInput<'audit.export'>, shell?.exportHandles)
          : parsed.data;
      return { ok: true, value: await form.fromCore(name, validated, caller) };
    } catch (error) {
      return { ok: false, error: toContractError(error) };
    }
  }

  return {
    handle: (name, input, caller) => run(name, input, caller, asValue),
    handleAsJson: (name, input, caller) => run(name, input, caller, asJson),
    onPush: (listener) => core.onPush(listener),
  };
}
