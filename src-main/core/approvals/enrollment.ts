// Enrolling a person's passkey: registration options with a one-time challenge, then the new
// credential verified against it. Who may enroll is decided by the engine's gate (an existing
// approver) or, for the first approver of a data directory, by being on this machine.
import type {
  RegistrationResponseJSON,
  VerifiedRegistrationResponse,
} from '@simplewebauthn/server';
import type { ValidatedInput } from '../../ipc/contract.ts';
import { VigilError } from '../errors/index.ts';
import type { ApproverRecord, Store } from '../store/index.ts';
import type { Caller } from './caller.ts';
import { requireSecurePeer, rpIdFor } from './person-gate.ts';
import { loadWebAuthn } from './webauthn.ts';

const CHALLENGE_TTL_MS = 5 * 60_000;

export interface Enrollment {
  options(name: string, caller: Caller | undefined): Promise<Record<string, unknown>>;
  /** Verifies the new passkey; the caller saves it. */
  verify(
    input: ValidatedInput<'approvers.enroll'>,
    caller: Caller | undefined,
  ): Promise<Omit<ApproverRecord, 'addedAt'>>;
}

function webCaller(caller: Caller | undefined): Extract<Caller, { kind: 'web' }> {
  requireSecurePeer(caller);
  if (caller?.kind !== 'web' || rpIdFor(caller) === null)
    throw new VigilError(
      'NOT_AVAILABLE',
      'Passkeys are enrolled from a browser opened at http://localhost:PORT (WebAuthn does not work on a bare IP address).',
    );
  return caller;
}

export function createEnrollment(store: Store): Enrollment {
  /** challenge → the name it was issued for, and when it lapses. */
  const open = new Map<string, { name: string; expires: number }>();
  return {
    async options(name, caller) {
      const web = webCaller(caller);
      const { generateRegistrationOptions } = await loadWebAuthn();
      const options = await generateRegistrationOptions({
        rpName: 'Vigil',
        rpID: rpIdFor(web)!,
        userName: name,
        attestationType: 'none',
        excludeCredentials: store.approvers
          .list()
          .map((approver) => ({ id: approver.credentialId })),
        authenticatorSelection: { residentKey: 'preferred', userVerification: 'required' },
      });
      open.set(options.challenge, { name, expires: Date.now() + CHALLENGE_TTL_MS });
      return options as unknown as Record<string, unknown>;
    },
    async verify(input, caller) {
      const web = webCaller(caller);
      if (store.approvers.list().length === 0 && !web.loopback)
        throw new VigilError(
          'FORBIDDEN',
          'The first approver is enrolled from this machine (loopback); later ones need an existing approver’s approval.',
        );
      if (store.approvers.find(input.registration.id))
        throw new VigilError('ALREADY_EXISTS', 'This passkey is already enrolled.', {
          field: 'registration.id',
        });
      let issuedFor: string | undefined;
      const { verifyRegistrationResponse } = await loadWebAuthn();
      let verified: VerifiedRegistrationResponse;
      try {
        verified = await verifyRegistrationResponse({
          response: input.registration as RegistrationResponseJSON,
          expectedChallenge: (challenge) => {
            const entry = open.get(challenge);
            if (!entry || entry.expires < Date.now() || entry.name !== input.name) return false;
            issuedFor = challenge;
            return true;
          },
          expectedOrigin: web.origins,
          expectedRPID: web.rpIds,
          requireUserVerification: true,
        });
      } catch (error) {
        throw new VigilError(
          'APPROVAL_INVALID',
          `The new passkey does not verify: ${(error as Error).message}`,
          { field: 'registration' },
        );
      }
      if (!verified.verified || !issuedFor)
        throw new VigilError('APPROVAL_INVALID', 'The new passkey does not verify.', {
          field: 'registration',
        });
      open.delete(issuedFor);
      const { credential } = verified.registrationInfo;
      return {
        credentialId: credential.id,
        name: input.name,
        publicKey: Buffer.from(credential.publicKey).toString('base64url'),
        counter: credential.counter,
        transports: credential.transports ?? [],
      };
    },
  };
}
