import type { Deps } from '../platform/context.js';
import { inTransaction } from '../platform/db/transaction.js';
import { insertOutboxRow, type OutgoingMessage } from '../platform/outbox.js';
import { reserveMessageBudget, type BudgetedCause, type Destination, type MessageCause } from './message-budget.js';
import { recordMessage } from './message-records.js';
import { foldIntoDigest } from './notice-digest.js';
import { frameMessage } from './message-frame.js';
import { phraseForRecipient } from '../message-check/phrase-store.js';

/**
 * The one door to the outbox. Every message first passes the budget its cause draws on (notify/message-budget.ts),
 * then is queued and recorded (notify/message-records.ts) in the caller's transaction: a refused budget rolls the
 * whole change back, and a rolled-back change neither sends nor spends. Callers pass the transaction-bound deps
 * of `inTransaction` (platform/db/transaction.ts), so the delivery worker is woken once that transaction commits.
 */
export type { MessageCause } from './message-budget.js';

export type QueueDeps = Pick<Deps, 'db' | 'clock' | 'random' | 'config' | 'log' | 'notifyOutbox'>;

export async function enqueueMessage(deps: QueueDeps, message: OutgoingMessage, cause: MessageCause): Promise<void> {
  await inTransaction(deps, async (tx) => {
    if (cause.kind === 'code' || cause.kind === 'second_step') await reserveMessageBudget(tx.db, tx, message, cause);
    const reference = await recordMessage(tx.db, tx.clock, tx.random, message);
    // A folded notice goes out with the hour's digest, on the digest's schedule: nothing to send now.
    if (cause.kind === 'notice' && !cause.immediate && (await foldIntoDigest(tx.db, tx, message, reference))) return;
    // The reference and the personal phrase are added here, after any template, so none can leave them out.
    const phrase = message.channel === 'email' ? await phraseForRecipient(tx.db, tx.config.keys, message.accountId ?? '', message.recipient) : undefined;
    await insertOutboxRow(tx.db, tx.clock, frameMessage(message, { reference, publicUrl: tx.config.publicUrl, phrase }));
    // Inside a transaction this waits for the commit: the worker must find the row when it looks.
    tx.notifyOutbox();
  });
}

/**
 * Where a known identifier would be sent a message, an unknown one goes through the same steps with nothing of
 * it kept: the budget is spent for the destination typed (so a 429 never tells whether it has an account), and
 * a record and an outbox row are written blank and withheld — the same statements as a real message
 * (SECURITY.md "Every public path does the same work"). Nothing is sent, so nothing wakes the worker.
 */
export async function enqueueWithheld(deps: QueueDeps, message: OutgoingMessage, cause: BudgetedCause): Promise<void> {
  await inTransaction(deps, async (tx) => {
    await reserveMessageBudget(tx.db, tx, message, cause);
    const blank: OutgoingMessage = { channel: message.channel, template: message.template, recipient: '', subject: '', text: '' };
    await recordMessage(tx.db, tx.clock, tx.random, blank);
    // The phrase look-up every email makes (enqueueMessage), made for nobody: the same statements either way.
    if (message.channel === 'email') await phraseForRecipient(tx.db, tx.config.keys, '', '');
    await insertOutboxRow(tx.db, tx.clock, blank, 'withheld');
  });
}

/**
 * For a request that names a contact with no account (or one that must not be told): the budget is spent exactly
 * as if a message were sent, so a 429 never tells whether a number or address has an account.
 */
export async function spendMessageBudget(deps: QueueDeps, to: Destination, cause: BudgetedCause): Promise<void> {
  await inTransaction(deps, (tx) => reserveMessageBudget(tx.db, tx, to, cause));
}
