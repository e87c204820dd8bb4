import type { Kysely } from 'kysely';
import type { Clock } from './clock.js';
import { newSortableId } from './crypto.js';
import type { Database } from './db/schema.js';

/**
 * Everything the service sends is written here in the same transaction as the change that caused it, so a
 * crash never loses a message and a rolled-back change never sends one. Features queue messages through
 * notify/enqueue.ts, which spends the message budget and keeps the record first; the delivery worker
 * (notify/delivery-worker.ts) sends what is due, with retry and backoff.
 */
export interface OutgoingMessage {
  accountId?: string | null;
  channel: 'email' | 'sms';
  /** Which template made it, for the mailbox and for logs (never the content). */
  template: string;
  recipient: string;
  subject: string;
  text: string;
  html?: string;
}

/**
 * The bare insert; only notify/enqueue.ts calls it, so no message skips the budget. A `withheld` row stands where
 * a message to an unknown identifier would be (same work either way); the delivery worker only picks pending rows.
 */
export async function insertOutboxRow(db: Kysely<Database>, clock: Clock, message: OutgoingMessage, status: 'pending' | 'withheld' = 'pending'): Promise<void> {
  const now = clock.now();
  await db
    .insertInto('outbox')
    .values({
      id: newSortableId(now),
      account_id: message.accountId ?? null,
      channel: message.channel,
      template: message.template,
      recipient: message.recipient,
      subject: message.subject,
      text_body: message.text,
      html_body: message.html ?? null,
      status,
      attempts: 0,
      next_attempt_at: now,
      locked_until: null,
      last_error: null,
      created_at: now,
      sent_at: null,
    })
    .execute();
}
