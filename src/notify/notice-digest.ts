import { sql, type Kysely } from 'kysely';
import { HOUR } from '../platform/clock.js';
import type { Database } from '../platform/db/schema.js';
import type { OutgoingMessage } from '../platform/outbox.js';
import { formatTime } from '../platform/format.js';
import { destinationKey, reserveSlot, type MessageDeps } from './message-budget.js';
import { SECURITY_PATH } from './messages.js';
import { CHECK_PATH, displayReference } from './message-frame.js';

/**
 * Security notices are never refused: a budget that could silence them would let an attacker change an account
 * unseen. Instead a flood is combined. The first NOTICES_AT_ONCE notices an hour to one destination go out at
 * once (a customer's own few changes each get their message, and the first word of trouble is never delayed);
 * later ones in that hour are folded into one digest that is sent when the hour ends.
 */
export const NOTICES_AT_ONCE = 3;
/** A digest stops growing here (a text costs more per part); it already tells the customer where to look. */
const DIGEST_MAX_CHARS = { sms: 320, email: 8000 } as const;

/** Returns true when the notice was folded into the hour's digest instead of being sent on its own. */
export async function foldIntoDigest(db: Kysely<Database>, deps: MessageDeps, message: OutgoingMessage, reference: string): Promise<boolean> {
  const now = deps.clock.now();
  const destination = destinationKey(deps, { channel: message.channel, recipient: message.recipient });
  const slot = await reserveSlot(db, { key: `notice:${message.channel}:${destination}`, limit: NOTICES_AT_ONCE, windowMs: HOUR }, now);
  if (slot.reserved) return false;

  // Each folded notice keeps its own reference, so every line of the digest can be checked like a message.
  const line = message.channel === 'sms' ? ` ${message.subject} (Ref ${reference}).` : `\n- ${message.subject} (${formatTime(now)}, reference ${displayReference(reference)})`;
  // One row per destination and hour, created or extended by one statement, so concurrent notices can't make two.
  await db
    .insertInto('outbox')
    .values({
      id: `digest-${message.channel}-${destination}-${slot.windowStart}`,
      account_id: message.accountId ?? null,
      channel: message.channel,
      template: 'securityDigest',
      recipient: message.recipient,
      subject: 'More changes to your Custos account',
      text_body: digestOpening(deps, message.channel) + line,
      html_body: null,
      status: 'pending',
      attempts: 0,
      next_attempt_at: slot.windowEnd,
      locked_until: null,
      last_error: null,
      created_at: now,
      sent_at: null,
    })
    .onConflict((oc) =>
      oc
        .column('id')
        .doUpdateSet({ text_body: sql<string>`outbox.text_body || ${line}` })
        .where('outbox.status', '=', 'pending')
        .where(sql<number>`length(outbox.text_body)`, '<', DIGEST_MAX_CHARS[message.channel]),
    )
    .execute();
  return true;
}

function digestOpening(deps: MessageDeps, channel: 'email' | 'sms'): string {
  const review = `${deps.config.publicUrl}${SECURITY_PATH}`;
  if (channel === 'sms') return `Custos: more changes to your account this hour. Not you? Review ${review} . Changes:`;
  return [
    'Hello,',
    '',
    'More changes were made to your Custos account within the hour after our last security messages. So that a flood of messages cannot hide anything, we collected them here.',
    '',
    `If any of them wasn't you, change your password and review your security settings now: ${review}`,
    '',
    `Check any reference below at ${deps.config.publicUrl}${CHECK_PATH}`,
    '',
    'What changed:',
  ].join('\n');
}
