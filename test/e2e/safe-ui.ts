// Steps on a Safe proposal's pane that more than one spec takes.
import { expect, type Locator, type Page } from '@playwright/test';

/**
 * Executes a Safe proposal whose signatures meet the threshold: picks the executing signer,
 * approves the execTransaction (the person's passkey), and waits for both it and the proposal to
 * be confirmed. Returns the execution's pane.
 */
export async function executeSafeProposal(
  page: Page,
  proposal: Locator,
  executorOption: string,
  beforeApproving?: (execution: Locator) => Promise<void>,
): Promise<Locator> {
  const actions = proposal.getByRole('region', { name: 'Safe actions' });
  await actions.getByLabel('Execute from').selectOption({ label: executorOption });
  await actions.getByRole('button', { name: 'Execute…' }).click();
  const execution = page.getByRole('complementary', { name: /^Transaction \d+$/ });
  await expect(execution).toContainText(/Executes\s*Safe proposal/);
  await expect(execution.getByRole('status').filter({ hasText: 'Succeeds' })).toBeVisible();
  await beforeApproving?.(execution);
  await execution.getByRole('button', { name: 'Approve and send' }).click();
  await expect(execution.locator('.tx-status').first()).toHaveText('confirmed', {
    timeout: 30_000,
  });
  await execution.getByRole('link', { name: /^Safe proposal \d+$/ }).click();
  await expect(proposal.locator('.tx-status').first()).toHaveText('confirmed', { timeout: 30_000 });
  await expect(proposal.getByLabel('Settled')).toContainText('Executed.');
  return execution;
}
