import type { WorkspaceSection } from '../engine/service.ts';
import { VigilError } from '../errors/index.ts';
import { checkFromInput, proposeFromInput } from './safe-propose.ts';
import type { QueueContext } from './queue-context.ts';

/**
 * The workspace file's `transactions:`: each is proposed once per key. Proposals are
 * operations, not configuration: they use chains and contracts already configured, and are
 * checked in full (signer, encoding, balance) before anything of the file is applied.
 */
export function proposalsSection(queue: QueueContext): WorkspaceSection {
  return {
    async prepare(file, { source }) {
      const due: typeof file.transactions = [];
      for (const [index, transaction] of file.transactions.entries()) {
        if (queue.store.hasTransactionFrom(`workspace:${transaction.key}`)) continue;
        due.push(transaction);
        const { key: _key, ...input } = transaction;
        const field = `transactions[${index}].`;
        if (!queue.store.findChain(input.chainId)) {
          throw new VigilError(
            'WORKSPACE_INVALID',
            `${source}: ${field}chainId: chain ${input.chainId} is not configured yet. Transactions in a workspace use chains that are already configured: import the chains first, then the transactions.`,
            { field: `${field}chainId` },
          );
        }
        try {
          await checkFromInput(queue, input);
        } catch (error) {
          if (!(error instanceof VigilError)) throw error;
          throw new VigilError(error.code, `${source}: ${field}${error.message}`, {
            field: `${field}${error.field ?? ''}`.replace(/\.$/, ''),
            ...(error.details ? { details: error.details } : {}),
          });
        }
      }
      return {
        commands: [],
        audit: [],
        summary: {
          transactionsProposed: due.length,
          transactionsUnchanged: file.transactions.length - due.length,
        },
        async applied() {
          for (const { key, ...input } of due)
            await proposeFromInput(queue, input, `workspace:${key}`, queue.service.actor);
        },
      };
    },
    // Proposals are one-off operations: an exported workspace does not carry them.
    export: () => ({}),
  };
}
