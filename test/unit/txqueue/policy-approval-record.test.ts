// A policy's approval is sealed like a person's: the record counts as approved by its policy only
// when the data directory's MAC covers the decision and the policy its proposer asked for, so a
// record claiming a policy approval that was written on disk (or edited) is never signed.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { PolicyDecision, Simulation, Transaction } from '../../../src-main/ipc/contract.ts';
import { approvedRecordDigest } from '../../../src-main/core/approvals/index.ts';
import { createRecordMac } from '../../../src-main/core/integrity/record-mac.ts';
import {
  APPROVAL_DOMAIN,
  approvalProblem,
  approvalRecordText,
} from '../../../src-main/core/txqueue/approval-record.ts';
import type { QueueContext } from '../../../src-main/core/txqueue/queue-context.ts';

const mac = createRecordMac(randomBytes(32));

/** The two things approvalProblem reads of the queue: the MAC, and how many approvers a signer needs. */
const queueWith = (approvalMac: typeof mac | undefined) =>
  ({
    options: approvalMac ? { approvalMac } : {},
    store: { approvers: { required: () => 1 } },
  }) as unknown as QueueContext;

const simulation: Simulation = {
  id: 'sim',
  at: 1,
  blockNumber: 10,
  success: true,
  revertReason: null,
  revertData: null,
  returnData: '0x',
  gasEstimate: '50000',
  baseFeePerGas: '1000',
  nonce: 3,
  gasLimit: '60000',
  fees: { type: 'eip1559', maxFeePerGas: '3000', maxPriorityFeePerGas: '1000' },
  maxTotalCost: '180000000',
  balance: '10000000000',
};

const approvedDecision: PolicyDecision = {
  policyId: 'guardian',
  at: 5,
  approved: true,
  checks: [{ limit: 'function', value: 'pause()', allowed: 'pause()' }],
};

function policyApproved(overrides: Partial<Transaction> = {}): Transaction {
  const tx: Transaction = {
    id: 9,
    chainId: 31337,
    from: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
    to: '0x5FbDB2315678afecb367f032d93F642f64180aa3',
    value: '0',
    data: '0x8456cb59',
    kind: 'call',
    replacesId: null,
    source: 'rule:pause:f1',
    note: null,
    status: 'approved',
    call: {
      kind: 'unknown',
      functionName: null,
      signature: null,
      args: null,
      selector: '0x8456cb59',
      targetName: null,
    },
    simulation,
    nonce: simulation.nonce,
    gasLimit: simulation.gasLimit,
    fees: simulation.fees,
    hash: null,
    rawTransaction: null,
    overrideRevert: false,
    rejectReason: null,
    failureReason: null,
    receipt: null,
    confirmations: 0,
    stuck: false,
    createdAt: 1,
    updatedAt: 1,
    timeline: [],
    approvals: [],
    executeUnder: 'guardian',
    policyDecision: approvedDecision,
    ...overrides,
  };
  return { ...tx, approvalDigest: approvedRecordDigest(tx) };
}

const sealed = (tx: Transaction): Transaction => ({
  ...tx,
  approvalMac: mac.sign(APPROVAL_DOMAIN, approvalRecordText(tx)),
});

describe('a policy approval record', () => {
  it('is accepted when sealed by this Vigil with the decision of the policy asked for', () => {
    expect(approvalProblem(queueWith(mac), sealed(policyApproved()))).toBeNull();
  });

  it('written on disk without the key fails its MAC', () => {
    expect(approvalProblem(queueWith(mac), policyApproved())).toMatch(/fails its MAC/);
    expect(
      approvalProblem(queueWith(mac), { ...policyApproved(), approvalMac: '0'.repeat(64) }),
    ).toMatch(/fails its MAC/);
  });

  it('edited from a refusal into an approval fails its MAC', () => {
    const refused = sealed(
      policyApproved({
        policyDecision: {
          policyId: 'guardian',
          at: 5,
          approved: false,
          checks: [],
          stoppedBy: { limit: 'switch', value: 'paused', allowed: 'running', reason: 'paused' },
        },
      }),
    );
    expect(approvalProblem(queueWith(mac), refused)).toMatch(/0 distinct approver/);
    const claimed = { ...refused, policyDecision: approvedDecision };
    expect(approvalProblem(queueWith(mac), claimed)).toMatch(/fails its MAC/);
  });

  it('pointed at another policy than the one asked for fails its MAC', () => {
    const tx = sealed(policyApproved());
    expect(approvalProblem(queueWith(mac), { ...tx, executeUnder: 'other' })).toMatch(
      /fails its MAC/,
    );
  });

  it('counts for nothing when its decision is of another policy than the one asked for', () => {
    const tx = sealed(policyApproved({ executeUnder: 'other' }));
    expect(approvalProblem(queueWith(mac), tx)).toMatch(/0 distinct approver/);
  });

  it('counts for nothing in a Vigil without a data directory key', () => {
    expect(approvalProblem(queueWith(undefined), sealed(policyApproved()))).toMatch(
      /data directory key/,
    );
  });
});
