// A person's passkey in the browser (headless mode): enrolling one, and answering main's
// challenge when a request only a person may make comes back APPROVAL_REQUIRED. The challenge
// comes from main and commits to what main will do; the page only carries the signature back.
import type { Envelope, RequestInput, RequestName, RequestOutput, VigilApi } from '@contract';

const toBytes = (base64url: string): Uint8Array<ArrayBuffer> => {
  const base64 = base64url.replace(/-/g, '+').replace(/_/g, '/');
  const binary = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
  return Uint8Array.from(binary, (char) => char.charCodeAt(0));
};

const toBase64Url = (buffer: ArrayBuffer | null | undefined): string | undefined => {
  if (!buffer) return undefined;
  let binary = '';
  for (const byte of new Uint8Array(buffer)) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
};

interface ChallengeAnswer {
  challenge: string;
  rpId: string | null;
  allowCredentials: { id: string; type: 'public-key' }[];
}

/** Signs main's challenge with a passkey the browser offers (the person touches or unlocks it). */
export async function assertWithPasskey(answer: ChallengeAnswer): Promise<unknown> {
  const credential = (await navigator.credentials.get({
    publicKey: {
      challenge: toBytes(answer.challenge),
      ...(answer.rpId ? { rpId: answer.rpId } : {}),
      allowCredentials: answer.allowCredentials.map((allowed) => ({
        type: 'public-key',
        id: toBytes(allowed.id),
      })),
      userVerification: 'required',
      timeout: 120_000,
    },
  })) as PublicKeyCredential | null;
  if (!credential) throw new Error('No passkey answered.');
  const response = credential.response as AuthenticatorAssertionResponse;
  return {
    id: credential.id,
    rawId: toBase64Url(credential.rawId),
    type: 'public-key',
    response: {
      clientDataJSON: toBase64Url(response.clientDataJSON),
      authenticatorData: toBase64Url(response.authenticatorData),
      signature: toBase64Url(response.signature),
      ...(response.userHandle ? { userHandle: toBase64Url(response.userHandle) } : {}),
    },
    clientExtensionResults: {},
  };
}

interface CreationOptionsJson {
  challenge: string;
  rp: { name: string; id?: string };
  user: { id: string; name: string; displayName: string };
  pubKeyCredParams: { type: 'public-key'; alg: number }[];
  excludeCredentials?: { id: string; type: 'public-key' }[];
  authenticatorSelection?: AuthenticatorSelectionCriteria;
  timeout?: number;
}

/** Creates a passkey for main's registration options (approvers.registrationOptions). */
export async function createPasskey(optionsJson: Record<string, unknown>): Promise<unknown> {
  const options = optionsJson as unknown as CreationOptionsJson;
  const credential = (await navigator.credentials.create({
    publicKey: {
      challenge: toBytes(options.challenge),
      rp: options.rp,
      user: { ...options.user, id: toBytes(options.user.id) },
      pubKeyCredParams: options.pubKeyCredParams,
      excludeCredentials: (options.excludeCredentials ?? []).map((excluded) => ({
        type: 'public-key',
        id: toBytes(excluded.id),
      })),
      ...(options.authenticatorSelection
        ? { authenticatorSelection: options.authenticatorSelection }
        : {}),
      attestation: 'none',
      timeout: options.timeout ?? 120_000,
    },
  })) as PublicKeyCredential | null;
  if (!credential) throw new Error('No passkey was created.');
  const response = credential.response as AuthenticatorAttestationResponse;
  return {
    id: credential.id,
    rawId: toBase64Url(credential.rawId),
    type: 'public-key',
    response: {
      clientDataJSON: toBase64Url(response.clientDataJSON),
      attestationObject: toBase64Url(response.attestationObject),
      transports: response.getTransports?.() ?? [],
    },
    clientExtensionResults: {},
  };
}

/**
 * The transport, with the person answering: a request refused APPROVAL_REQUIRED is asked a
 * challenge for, signed with a passkey, and sent again once with the approval.
 */
export function withPasskeyApproval(transport: VigilApi): VigilApi {
  return {
    subscribe: transport.subscribe,
    async call<N extends RequestName>(
      name: N,
      input: RequestInput<N>,
    ): Promise<Envelope<RequestOutput<N>>> {
      const first = await transport.call(name, input);
      if (first.ok || first.error.code !== 'APPROVAL_REQUIRED') return first;
      const given = (input ?? {}) as Record<string, unknown>;
      if (given['approval'] !== undefined) return first;
      const challenge = await transport.call('approvals.challenge', {
        request: name,
        input: given,
      });
      if (!challenge.ok) return { ok: false, error: challenge.error };
      let assertion: unknown;
      try {
        assertion = await assertWithPasskey(challenge.value);
      } catch (error) {
        return {
          ok: false,
          error: {
            code: 'APPROVAL_REQUIRED',
            message: `Not approved: ${(error as Error).message} Approving needs a passkey enrolled in Vigil (Signers → Approvers), and the console opened at http://localhost:PORT.`,
          },
        };
      }
      return transport.call(name, { ...given, approval: { assertion } } as RequestInput<N>);
    },
  };
}
