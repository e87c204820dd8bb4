import type { Kysely } from 'kysely';
import type { Database } from '../platform/db/schema.js';
import { insertOutboxRow, type OutgoingMessage } from '../platform/outbox.js';
import { reserveMessageBudget, type BudgetedCause, type Destination, type MessageCause, type MessageDeps } from './message-budget.js';
import { recordMessage } from './message-records.js';
import { foldIntoDigest } from './notice-digest.js';

/**
 * The one door to the outbox. Every message first passes the budget its cause draws on (notify/message-budget.ts),
 * then is queued and recorded (notify/message-records.ts) in the caller's transaction: a refused budget rolls the
 * whole change back, and a rolled-back change neither sends nor spends.
 */
export type { MessageCause } from './message-budget.js';

export async function enqueueMessage(db: Kysely<Database>, deps: MessageDeps, message: OutgoingMessage, cause: MessageCause): Promise<void> {
  await inTransaction(db, async (trx) => {
    if (cause.kind === 'code' || cause.kind === 'second_step') await reserveMessageBudget(trx, deps, message, cause);
    await recordMessage(trx, deps.clock, deps.random, message);
    if (cause.kind === 'notice' && !cause.immediate && (await foldIntoDigest(trx, deps, message))) return;
    await insertOutboxRow(trx, deps.clock, message);
  });
}

/**
 * Where a known identifier would be sent a message, an unknown one goes through the same steps with nothing of
 * it kept: the budget is spent for the destination typed (so a 429 never tells whether it has an account), and
 * a record and an outbox row are written blank and withheld — the same statements as a real message
 * (SECURITY.md "Every public path does the same work"). Nothing is sent.
 */
export async function enqueueWithheld(db: Kysely<Database>, deps: MessageDeps, message: OutgoingMessage, cause: BudgetedCause): Promise<void> {
  await inTransaction(db, async (trx) => {
    await reserveMessageBudget(trx, deps, message, cause);
    const blank: OutgoingMessage = { channel: message.channel, template: message.template, recipient: '', subject: '', text: '' };
    await recordMessage(trx, deps.clock, deps.random, blank);
    await insertOutboxRow(trx, deps.clock, blank, 'withheld');
  });
}

/**
 * For a request that names a contact with no account (or one that must not be told): the budget is spent exactly
 * as if a message were sent, so a 429 never tells whether a number or address has an account.
 */
export async function spendMessageBudget(db: Kysely<Database>, deps: MessageDeps, to: Destination, cause: BudgetedCause): Promise<void> {
  await inTransaction(db, (trx) => reserveMessageBudget(trx, deps, to, cause));
}

/** Several counters and rows move together; reuse the caller's transaction, or open one. */
function inTransaction<T>(db: Kysely<Database>, work: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
  return db.isTransaction ? work(db) : db.transaction().execute(work);
}
