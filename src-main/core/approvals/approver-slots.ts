// Who counts as one approver towards a signer's M of N. A passkey is one approver. The desktop
// app's native dialog is one approver in all, whatever the profile that showed it: whoever sits at
// this machine can click it as often as they like, so it proves one person at most.
const DESKTOP_PREFIX = 'desktop:';

/** The credential id the desktop dialog's approvals carry: `desktop:<profile>`. */
export function desktopApproverId(profile: string): string {
  return `${DESKTOP_PREFIX}${profile}`;
}

/** Whether an approval came from the desktop dialog. */
export function isDesktopApproval(credentialId: string): boolean {
  // Passkey credential ids are base64url, which has no ':'; nothing else starts like this.
  return credentialId.startsWith(DESKTOP_PREFIX);
}

/** The slot an approval fills: its passkey, or the one desktop slot (named so no passkey is). */
export function approverSlot(credentialId: string): string {
  return isDesktopApproval(credentialId) ? DESKTOP_PREFIX : credentialId;
}

/** How many distinct approvers these approvals come from. */
export function distinctApprovers(approvals: readonly { credentialId: string }[]): number {
  return new Set(approvals.map((approval) => approverSlot(approval.credentialId))).size;
}

/** Whether `credentialId` fills a slot one of `approvals` already fills. */
export function fillsTakenSlot(
  approvals: readonly { credentialId: string }[],
  credentialId: string,
): boolean {
  const slot = approverSlot(credentialId);
  return approvals.some((approval) => approverSlot(approval.credentialId) === slot);
}
