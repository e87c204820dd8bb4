import type { Kysely } from 'kysely';
import type { Clock } from '../platform/clock.js';
import { newSortableId } from '../platform/crypto.js';
import type { Database } from '../platform/db/schema.js';
import type { OutgoingMessage } from '../platform/outbox.js';
import type { Random } from '../platform/random.js';
import { maskRecipient } from './mask.js';

/**
 * A record of every message, kept for ACTIVITY_RETENTION_DAYS apart from the outbox (which forgets bodies once
 * delivered), so a customer can later check whether a message claiming to be from the store really was. It holds
 * the masked destination and the subject or kind only — never a body, which may carry a code.
 */
// Crockford's base32: no I, L, O or U, so a reference read aloud or typed back is hard to get wrong.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const REFERENCE_LENGTH = 10;

/** 10 characters × 5 bits = 50 bits (from the CSPRNG in production): short enough to read out, too many to guess. */
export function newMessageReference(random: Random): string {
  let reference = '';
  for (let i = 0; i < REFERENCE_LENGTH; i++) reference += ALPHABET[random.int(ALPHABET.length)];
  return reference;
}

export async function recordMessage(db: Kysely<Database>, clock: Clock, random: Random, message: OutgoingMessage): Promise<string> {
  const now = clock.now();
  const reference = newMessageReference(random);
  await db
    .insertInto('message_records')
    .values({
      id: newSortableId(now),
      reference,
      account_id: message.accountId ?? null,
      channel: message.channel,
      // A withheld message has no recipient, and its record no destination: the check page answers "no record" for it.
      destination: message.recipient === '' ? '' : maskRecipient(message.recipient),
      subject: message.subject,
      created_at: now,
    })
    .execute();
  return reference;
}
