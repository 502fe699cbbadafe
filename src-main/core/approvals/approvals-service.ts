// The approvals capability's requests: who is enrolled, enrolling a passkey, the challenge for a
// gated request, and how many approvers a signer needs. The gate itself is applied by the engine
// to every gated request (see gated-requests.ts) before its handler runs.
import { getAddress } from 'viem';
import type { Approver, RequestName } from '../../ipc/contract.ts';
import { requests } from '../../ipc/contract.ts';
import { auditActions } from '../audit-chain/index.ts';
import type { EngineService, ServiceContext } from '../engine/service.ts';
import { VigilError } from '../errors/index.ts';
import type { ApproverRecord } from '../store/index.ts';
import { createEnrollment } from './enrollment.ts';
import {
  describeGatedRequest,
  isGatedRequest,
  type GateDescribers,
  type GatePolicy,
} from './gated-requests.ts';
import type { PersonGate } from './person-gate.ts';

const toWire = (approver: ApproverRecord): Approver => ({
  credentialId: approver.credentialId,
  name: approver.name,
  addedAt: approver.addedAt,
});

export function createApprovalsService(
  context: ServiceContext,
  gate: PersonGate,
  /** The request's own checks (see RequestPrechecks), run before a challenge is given. */
  precheck: (name: RequestName, input: unknown) => Promise<void>,
  policy: GatePolicy = {},
  /** Other rooms' gated requests (automation's), as the engine's handle sees them. */
  moreDescribers: GateDescribers = {},
): EngineService {
  const { store } = context;
  const enrollment = createEnrollment(store);
  return {
    handlers: {
      'approvers.list': () => ({ approvers: store.approvers.list().map(toWire) }),
      'approvers.registrationOptions': async (input, call) => ({
        options: await enrollment.options(input.name, call?.caller),
      }),
      async 'approvers.enroll'(input, call) {
        const approver = await enrollment.verify(input, call?.caller);
        store.execute({ type: 'approver.add', approver }, [
          {
            actor: context.actor,
            action: auditActions.approverEnrolled,
            subject: `approver:${approver.credentialId}`,
            details: {
              name: approver.name,
              ...(call?.approvedBy ? { approvedBy: call.approvedBy } : { firstApprover: true }),
            },
          },
        ]);
        return toWire(store.approvers.find(approver.credentialId)!);
      },
      async 'approvals.challenge'(input, call) {
        if (!isGatedRequest(input.request, moreDescribers))
          throw new VigilError(
            'INVALID_INPUT',
            `${input.request} needs no person's approval; send it as it is.`,
            { field: 'request' },
          );
        const name = input.request as keyof typeof requests;
        const parsed = requests[name].input.safeParse(input.input);
        if (!parsed.success)
          throw new VigilError(
            'INVALID_INPUT',
            `approvals.challenge: input is not a valid ${name} request: ${parsed.error.issues[0]?.message}`,
            { field: 'input' },
          );
        const subject = describeGatedRequest(
          name,
          parsed.data as never,
          store,
          policy,
          moreDescribers,
        );
        if (subject) await precheck(name, parsed.data);
        if (!subject)
          throw new VigilError('INVALID_INPUT', `This ${name} request needs no approval.`, {
            field: 'input',
          });
        return gate.challenge(subject, call?.caller);
      },
      'signers.setApprovalsRequired'(input, call) {
        const signer = store.findSigner(input.address);
        if (!signer)
          throw new VigilError('NOT_FOUND', `No signer has address ${input.address}.`, {
            field: 'address',
          });
        const address = getAddress(signer.address);
        store.execute({ type: 'signer.approvals.set', address, required: input.required }, [
          {
            actor: context.actor,
            action: auditActions.signerApprovalsChanged,
            subject: `signer:${address}`,
            details: {
              approvalsRequired: input.required,
              ...(call?.approvedBy ? { approvedBy: call.approvedBy } : {}),
            },
          },
        ]);
        return { address, approvalsRequired: input.required };
      },
    },
  };
}
