import type { Deps } from '../platform/context.js';
import { HOUR, MINUTE } from '../platform/clock.js';
import { releaseAttempt, reserveAttempt, sourceKey, type ThrottlePolicy } from '../platform/throttle.js';
import { errors } from '../platform/errors.js';
import { normalizeReference } from './reference.js';

/**
 * "Is this message really from us?": a reference looked up in the message records. The answer holds only what the
 * record holds and the reference already proves — when, which channel, the masked destination and the subject —
 * never the account, a name or a full address.
 *
 * A reference is 50 random bits, and guessing is still made slow: every check first *reserves* one attempt from
 * the source's allowance (IPv6 by /64) in one statement (SECURITY.md "An attempt is reserved before the secret is
 * checked"), so 200 concurrent guesses get the allowance and no more. A reference that is ours gives its attempt
 * back: a customer checking a pile of real messages is never held up, a guesser always is.
 */
export const CHECK_SOURCE_POLICY: ThrottlePolicy = { freeFailures: 20, firstWaitMs: MINUTE, maxWaitMs: HOUR, forgetAfterMs: HOUR };
const SCOPE = 'message-check';

export type CheckAnswer =
  | { sent: true; reference: string; sentAt: number; channel: 'email' | 'sms'; destination: string; subject: string }
  | { sent: false; reference: string | null };

export async function checkMessage(deps: Pick<Deps, 'db' | 'clock'>, input: { reference: string; ip: string }): Promise<CheckAnswer> {
  const key = sourceKey(SCOPE, input.ip);
  const reserved = await reserveAttempt(deps.db, deps.clock, key, CHECK_SOURCE_POLICY);
  if (!reserved.granted) throw errors.throttled(reserved.retryAfterSeconds);
  const reference = normalizeReference(input.reference);
  if (!reference) return { sent: false, reference: null };
  const record = await deps.db
    .selectFrom('message_records')
    .select(['channel', 'destination', 'subject', 'created_at'])
    .where('reference', '=', reference)
    .executeTakeFirst();
  // A withheld message (to an unknown identifier) was never sent: its blank record is "no record", like any guess.
  if (!record || record.destination === '' || record.subject === '') return { sent: false, reference };
  await releaseAttempt(deps.db, key);
  return { sent: true, reference, sentAt: record.created_at, channel: record.channel, destination: record.destination, subject: record.subject };
}
