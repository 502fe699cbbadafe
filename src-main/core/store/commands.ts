// Every operator command the journal can hold, and the one function that applies any of them.
// Each capability's commands are applied by its own file in this folder; this one dispatches.
import type { Database } from 'sql.js';
import { applyAlertCommand, type AlertCommand } from './alerts.ts';
import { applyApproverCommand, type ApproverCommand } from './approvers.ts';
import { applyAutomationCommand, type AutomationCommand } from './automation.ts';
import { applyWatchConfigCommand, type WatchConfigCommand } from './operator-data.ts';
import { applySafeCommand, type SafeCommand } from './safes.ts';
import { applyScheduleCommand, type ScheduleCommand } from './schedules.ts';
import { applySafeSignatureCommand, type SafeSignatureCommand } from './safe-signatures.ts';
import { applySignerCommand, type SignerCommand } from './signers.ts';
import { applyTransactionCommand, type TransactionCommand } from './transactions.ts';

export type OperatorCommand =
  | WatchConfigCommand
  | SignerCommand
  | TransactionCommand
  | AlertCommand
  | ApproverCommand
  | SafeCommand
  | SafeSignatureCommand
  | AutomationCommand
  | ScheduleCommand
  /** Records audit entries and changes nothing else (an alert delivered, the app started). */
  | { type: 'audit.record' }
  /** Several commands that stand or fall together. */
  | { type: 'batch'; commands: OperatorCommand[] };

export function applyOperatorCommand(db: Database, command: OperatorCommand, at: number): void {
  switch (command.type) {
    case 'audit.record':
      return;
    case 'batch':
      for (const part of command.commands) applyOperatorCommand(db, part, at);
      return;
    case 'chain.add':
    case 'chain.update':
    case 'chain.remove':
    case 'contract.add':
    case 'contract.update':
    case 'contract.remove':
    case 'contract.token':
    case 'contract.definition':
      applyWatchConfigCommand(db, command, at);
      return;
    case 'safe.add':
    case 'safe.state':
    case 'safe.remove':
      applySafeCommand(db, command, at);
      return;
    case 'signer.add':
    case 'signer.remove':
    case 'meta.set':
      applySignerCommand(db, command, at);
      return;
    case 'tx.put':
      applyTransactionCommand(db, command);
      return;
    case 'safe.signature.add':
      applySafeSignatureCommand(db, command);
      return;
    case 'approver.add':
    case 'approver.counter':
    case 'signer.approvals.set':
      applyApproverCommand(db, command, at);
      return;
    case 'automation.policy.save':
    case 'automation.policy.remove':
    case 'automation.policy.enabled':
    case 'automation.switch':
      applyAutomationCommand(db, command, at);
      return;
    case 'schedule.save':
    case 'schedule.remove':
    case 'schedule.enabled':
    case 'schedule.runs':
      applyScheduleCommand(db, command, at);
      return;
    case 'alert.rule.save':
    case 'alert.rule.remove':
    case 'alert.firing.record':
    case 'alert.firing.acknowledge':
    case 'alert.firing.snooze':
    case 'alert.delivery.attempt':
      applyAlertCommand(db, command);
      return;
  }
}

/** Whether applying the command deletes stored events (so cached counts must be recounted). */
export function removesEvents(command: OperatorCommand): boolean {
  if (command.type === 'batch') return command.commands.some(removesEvents);
  return command.type === 'chain.remove' || command.type === 'contract.remove';
}
