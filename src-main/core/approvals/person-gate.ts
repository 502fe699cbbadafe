// The one place a request that only a person may make is let through. The core is given a gate
// and never asks how it decides: headless (and every web client) answers with a WebAuthn
// assertion over the subject's digest; the desktop app with a native dialog that main raises
// from main's own records. The renderer and scripts can ask for an approval, never give one.
import type {
  AuthenticationResponseJSON,
  VerifiedAuthenticationResponse,
} from '@simplewebauthn/server';
import type { ApprovalProof } from '../../ipc/contract.ts';
import { VigilError } from '../errors/index.ts';
import type { Store } from '../store/index.ts';
import type { ApprovedBy, Caller } from '../ports/index.ts';

export type { ApprovedBy };
import { desktopApproverId } from './approver-slots.ts';
import { loadWebAuthn } from './webauthn.ts';
import { createChallengeBook } from './challenge-book.ts';
import type { GateSubject } from './digest.ts';

export interface GateChallenge {
  challenge: string;
  digest: GateSubject['digest'];
  summary: string[];
  rpId: string | null;
  allowCredentials: { id: string; type: 'public-key' }[];
}

export interface PersonGate {
  readonly kind: 'webauthn' | 'dialog';
  /** What approvals.challenge answers: the challenge a person's passkey signs for `subject`. */
  challenge(subject: GateSubject, caller: Caller | undefined): GateChallenge;
  /** Who approved `subject`, or throws a VigilError saying why no one did. */
  confirm(
    subject: GateSubject,
    proof: ApprovalProof | undefined,
    caller: Caller | undefined,
  ): Promise<ApprovedBy>;
}

/** The page's host name when it is one a passkey can be scoped to, else the first we know. */
export function rpIdFor(caller: Caller | undefined): string | null {
  if (caller?.kind !== 'web') return null;
  if (caller.origin) {
    const host = new URL(caller.origin).hostname;
    if (caller.rpIds.includes(host)) return host;
  }
  return caller.rpIds[0] ?? null;
}

/** Refuses web callers that could be read or altered on the way: off this machine without TLS. */
export function requireSecurePeer(caller: Caller | undefined): void {
  if (caller?.kind === 'web' && !caller.loopback && !caller.tls)
    throw new VigilError(
      'FORBIDDEN',
      'Approvals, key import and removal are refused over a plain connection from another machine; use TLS or an SSH tunnel.',
    );
}

export function createWebAuthnGate(store: Store): PersonGate {
  const book = createChallengeBook();
  return {
    kind: 'webauthn',
    challenge(subject, caller) {
      return {
        challenge: book.issue(subject.digest),
        digest: subject.digest,
        summary: subject.summary,
        rpId: rpIdFor(caller),
        allowCredentials: store.approvers
          .list()
          .map((approver) => ({ id: approver.credentialId, type: 'public-key' as const })),
      };
    },
    async confirm(subject, proof, caller) {
      requireSecurePeer(caller);
      if (!proof)
        throw new VigilError(
          'APPROVAL_REQUIRED',
          `${subject.action} needs a person's approval: ask approvals.challenge for this request, sign the challenge with an enrolled passkey, and send the assertion as approval.assertion. The session token alone cannot approve.`,
          { field: 'approval' },
        );
      if (caller?.kind !== 'web')
        throw new VigilError('APPROVAL_INVALID', 'A passkey approval needs a web connection.', {
          field: 'approval',
        });
      const assertion = proof.assertion as AuthenticationResponseJSON;
      const approver = store.approvers.find(assertion.id);
      if (!approver)
        throw new VigilError(
          'APPROVAL_INVALID',
          'The approval is signed by a passkey that is not enrolled here.',
          { field: 'approval.assertion.id' },
        );
      let challenge: string;
      try {
        challenge = (
          JSON.parse(Buffer.from(assertion.response.clientDataJSON, 'base64url').toString()) as {
            challenge: string;
          }
        ).challenge;
      } catch {
        throw new VigilError('APPROVAL_INVALID', 'The approval’s client data is not JSON.', {
          field: 'approval.assertion.response.clientDataJSON',
        });
      }
      book.check(challenge, subject.digest);
      const { verifyAuthenticationResponse } = await loadWebAuthn();
      let verified: VerifiedAuthenticationResponse;
      try {
        verified = await verifyAuthenticationResponse({
          response: assertion,
          expectedChallenge: challenge,
          expectedOrigin: caller.origins,
          expectedRPID: caller.rpIds,
          credential: {
            id: approver.credentialId,
            publicKey: Buffer.from(approver.publicKey, 'base64url'),
            counter: approver.counter,
          },
          requireUserVerification: true,
        });
      } catch (error) {
        throw new VigilError(
          'APPROVAL_INVALID',
          `The approval does not verify: ${(error as Error).message}`,
          { field: 'approval' },
        );
      }
      if (!verified.verified)
        throw new VigilError('APPROVAL_INVALID', 'The approval’s signature does not verify.', {
          field: 'approval',
        });
      book.spend(challenge);
      if (verified.authenticationInfo.newCounter > approver.counter)
        store.execute(
          {
            type: 'approver.counter',
            credentialId: approver.credentialId,
            counter: verified.authenticationInfo.newCounter,
          },
          [],
        );
      return { credentialId: approver.credentialId, name: approver.name, digest: subject.digest };
    },
  };
}

/**
 * The desktop app's gate: `ask` is main's native dialog, shown from main's own record (the
 * subject's summary), with Cancel as the default button. The renderer sends no proof. Its
 * approvals all fill one approver slot (approver-slots.ts).
 */
export function createDialogGate(
  ask: (subject: GateSubject) => Promise<boolean>,
  profile: string,
): PersonGate {
  return {
    kind: 'dialog',
    challenge: (subject) => ({
      challenge: '',
      digest: subject.digest,
      summary: subject.summary,
      rpId: null,
      allowCredentials: [],
    }),
    async confirm(subject) {
      if (!(await ask(subject)))
        throw new VigilError(
          'APPROVAL_REQUIRED',
          `${subject.action} was not approved in the dialog.`,
        );
      return { credentialId: desktopApproverId(profile), name: profile, digest: subject.digest };
    },
  };
}
