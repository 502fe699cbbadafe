// The desktop dialog is one approver towards a signer's M of N, whatever profile showed it; each
// enrolled passkey is one approver.
import { describe, expect, it } from 'vitest';
import {
  approverSlot,
  desktopApproverId,
  distinctApprovers,
  fillsTakenSlot,
} from '../../../src-main/core/approvals/approver-slots.ts';

const passkeyA = { credentialId: 'pW3k-AbCdEf0123_x' };
const passkeyB = { credentialId: 'Zz9-qRsTuV456_y' };
const desktopAlice = { credentialId: desktopApproverId('alice') };
const desktopBob = { credentialId: desktopApproverId('bob') };

describe('approver slots', () => {
  it('count every desktop dialog approval as one approver, each passkey as its own', () => {
    expect(distinctApprovers([])).toBe(0);
    expect(distinctApprovers([passkeyA, passkeyB])).toBe(2);
    expect(distinctApprovers([desktopAlice, desktopAlice])).toBe(1);
    // Another profile's dialog is the same machine's dialog.
    expect(distinctApprovers([desktopAlice, desktopBob])).toBe(1);
    expect(distinctApprovers([desktopAlice, passkeyA, desktopBob])).toBe(2);
    expect(approverSlot(passkeyA.credentialId)).toBe(passkeyA.credentialId);
  });

  it('say when an approval would fill a slot already filled', () => {
    expect(fillsTakenSlot([desktopAlice], desktopBob.credentialId)).toBe(true);
    expect(fillsTakenSlot([passkeyA], passkeyA.credentialId)).toBe(true);
    expect(fillsTakenSlot([desktopAlice], passkeyA.credentialId)).toBe(false);
    expect(fillsTakenSlot([passkeyA], desktopAlice.credentialId)).toBe(false);
    // A passkey whose id merely contains "desktop" is still its own approver.
    expect(fillsTakenSlot([desktopAlice], 'desktop')).toBe(false);
  });
});
