// Messages between main and the engine worker thread.
import type { ContractError, PushName, RequestName } from '../../ipc/contract.ts';
import type { Caller, GateSubject } from '../approvals/index.ts';
import type { KeychainAnswer, KeychainRequest } from '../keys/index.ts';
import type { StoreRecovery } from '../store/index.ts';
import type { EngineTuning } from './engine.ts';

export interface EngineWorkerData {
  dataDir: string;
  /** The operator's profile name, the actor of their audit entries. */
  actor: string;
  tuning?: EngineTuning;
  /** 'dialog': main asks the person with a native dialog (desktop); otherwise WebAuthn. */
  personGate?: 'webauthn' | 'dialog';
  /** A test's clock offset (see engine-clock.ts): shared memory main moves on. */
  clockOffset?: SharedArrayBuffer;
}

export type MainToEngine =
  | {
      type: 'call';
      id: number;
      name: RequestName;
      input: unknown;
      caller?: Caller;
      /** Answer with the value as JSON text (a headless client's answer, sent on as it is). */
      asJson?: true;
    }
  /** Main's answer to an ask-person: whether the person approved in the dialog. */
  | { type: 'person-answer'; id: number; approved: boolean }
  | { type: 'applyWorkspaceFile'; id: number; path: string }
  /** Main's answer to a keychain request (keytar lives in main's thread, see keychain-channel.ts). */
  | { type: 'keychain-answer'; id: number; answer: KeychainAnswer }
  /** A folder the operator picked in the desktop app's dialog: discovery may read it. */
  | { type: 'allowProjectRoot'; id: number; path: string }
  | { type: 'close'; id: number };

export type EngineToMain =
  | { type: 'ready'; recovery: StoreRecovery }
  | { type: 'fatal'; error: ContractError }
  | { type: 'result'; id: number; ok: true; value: unknown }
  /** The answer to a call asked asJson: the value's JSON text. */
  | { type: 'result'; id: number; ok: true; json: string }
  | { type: 'result'; id: number; ok: false; error: ContractError }
  | { type: 'push'; name: PushName; payload: unknown }
  /** The desktop gate: main shows `subject` in a native dialog and answers person-answer. */
  | { type: 'ask-person'; id: number; subject: GateSubject }
  /** A keychain operation for main to carry out with the one keytar of the process. */
  | { type: 'keychain'; id: number; request: KeychainRequest }
  | {
      type: 'log';
      level: 'info' | 'warn' | 'error';
      message: string;
      fields?: Record<string, unknown>;
    };
