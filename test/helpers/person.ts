// A person with a passkey, as tests need one: enrolls their software authenticator, answers an
// approval challenge, and wraps a contract caller so a request only a person may make is
// approved the way the UI does it (approvals.challenge → sign → resend with the assertion).
import {
  createSoftwareAuthenticator,
  type SoftwareAuthenticator,
} from './software-authenticator.ts';

export type ContractCall = <T = unknown>(name: string, input?: unknown) => Promise<T>;

export interface Person {
  name: string;
  authenticator: SoftwareAuthenticator;
  /** The page origin their browser would show: WebAuthn scopes passkeys to it. */
  origin: string;
}

export function makePerson(name: string, origin = 'http://localhost:4780'): Person {
  return { name, authenticator: createSoftwareAuthenticator(), origin };
}

const rpIdOf = (person: Person): string => new URL(person.origin).hostname;

/** The approval for one request, signed by `person` over main's challenge for it. */
export async function approvalFor(
  call: ContractCall,
  person: Person,
  request: string,
  input: Record<string, unknown>,
): Promise<{ assertion: Record<string, unknown> }> {
  const { challenge, rpId } = await call<{ challenge: string; rpId: string | null }>(
    'approvals.challenge',
    { request, input },
  );
  return {
    assertion: person.authenticator.assert(challenge, rpId ?? rpIdOf(person), person.origin),
  };
}

/** Enrolls `person`; `approvedBy` is an enrolled approver, needed for every one after the first. */
export async function enroll(
  call: ContractCall,
  person: Person,
  approvedBy?: Person,
): Promise<void> {
  const { options } = await call<{ options: { challenge: string; rp: { id?: string } } }>(
    'approvers.registrationOptions',
    { name: person.name },
  );
  const registration = person.authenticator.register(options, person.origin);
  const input = { name: person.name, registration };
  const approval = approvedBy
    ? await approvalFor(call, approvedBy, 'approvers.enroll', input)
    : undefined;
  await call('approvers.enroll', { ...input, ...(approval ? { approval } : {}) });
}

function isApprovalRequired(error: unknown): boolean {
  const code =
    (error as { error?: { code?: string } }).error?.code ??
    (error as { data?: { code?: string } }).data?.code;
  return code === 'APPROVAL_REQUIRED';
}

/**
 * `call`, with `person` answering when a request needs a person: enrolled on first need (the
 * first approver of a data directory, from this machine), then approving each such request.
 */
export function asPerson(call: ContractCall, person: Person): ContractCall {
  let enrolled: Promise<void> | undefined;
  return async <T>(name: string, input?: unknown): Promise<T> => {
    try {
      return await call<T>(name, input);
    } catch (error) {
      const given = (input ?? {}) as Record<string, unknown>;
      if (!isApprovalRequired(error) || given['approval'] !== undefined) throw error;
      enrolled ??= (async () => {
        const { approvers } = await call<{ approvers: { credentialId: string }[] }>(
          'approvers.list',
        );
        if (!approvers.some((a) => a.credentialId === person.authenticator.credentialId))
          await enroll(call, person);
      })();
      await enrolled;
      const approval = await approvalFor(call, person, name, given);
      return call<T>(name, { ...given, approval });
    }
  };
}
