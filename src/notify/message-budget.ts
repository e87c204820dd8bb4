import type { Kysely } from 'kysely';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import type { BudgetLimits } from '../config.js';
import type { Deps } from '../platform/context.js';
import { DAY, HOUR } from '../platform/clock.js';
import { hmac } from '../platform/crypto.js';
import type { Database } from '../platform/db/schema.js';
import { errors } from '../platform/errors.js';
import { sourceKey } from '../platform/throttle.js';

/**
 * Every text and email the service sends passes one budget (SECURITY.md "Every text message passes one budget";
 * SMS pumping and toll fraud, CS Authentication "SMS"): per destination, per asking account, per network, per
 * country calling code, hourly and daily, and a global hourly ceiling on texts. Each counter is *reserved* by
 * one conditional upsert before the message is queued, so the count is exact at any concurrency and across
 * instances; a refusal is `429 throttled` with the wait until that window ends.
 */
export type MessageDeps = Pick<Deps, 'clock' | 'random' | 'config' | 'log'>;

/** Why a message is sent, which decides the budget it draws on. */
export type MessageCause =
  /** A code or hint anyone can ask for again (sign-up, reset, SMS sign-in), or one the signed-in account asked for. */
  | { kind: 'code'; ip: string; accountId?: string }
  /** A code sent after a correct password: its own allowance, so anonymous requests can't use up the owner's second step. */
  | { kind: 'second_step'; ip: string; accountId: string }
  /** A security notice to the account's own contacts: never refused; a flood is combined (notify/notice-digest.ts). */
  | { kind: 'notice'; immediate?: boolean }
  /** Mail to the account's own verified address caused by the store or a scheduled job, never by an anonymous request. */
  | { kind: 'account_mail' };

export type BudgetedCause = Extract<MessageCause, { kind: 'code' | 'second_step' }>;

export interface Destination {
  channel: 'email' | 'sms';
  recipient: string;
}

interface Counter {
  key: string;
  limit: number;
  windowMs: number;
  /** Crossing it stops all texting for the hour, which an operator must hear about. */
  ceiling?: boolean;
}

/** Reserves one message from every budget that applies, or refuses with the wait of the first one spent. */
export async function reserveMessageBudget(db: Kysely<Database>, deps: MessageDeps, to: Destination, cause: BudgetedCause): Promise<void> {
  const now = deps.clock.now();
  // Counters are taken in one fixed order (destination … global), so concurrent transactions on PostgreSQL lock
  // the rows in the same order and never deadlock. A refusal throws, and the caller's transaction rolls back
  // the counters already taken along with everything else.
  for (const counter of countersFor(deps, to, cause)) {
    const slot = await reserveSlot(db, counter, now);
    if (slot.reserved) continue;
    if (counter.ceiling) deps.log.error({ channel: to.channel, limit: counter.limit }, 'hourly SMS ceiling reached: no more texts are sent until the hour ends');
    throw errors.throttled(Math.max(1, Math.ceil((slot.windowEnd - now) / 1000)));
  }
}

/**
 * Takes one unit from a counter's current window: one statement that inserts the window's row or adds one to it
 * unless it is full. No row back means the window is spent.
 */
export async function reserveSlot(db: Kysely<Database>, counter: Counter, now: number): Promise<{ reserved: boolean; windowStart: number; windowEnd: number }> {
  const windowStart = Math.floor(now / counter.windowMs) * counter.windowMs;
  const windowEnd = windowStart + counter.windowMs;
  const row = await db
    .insertInto('message_budgets')
    .values({ key: counter.key, window_start: windowStart, used: 1, expires_at: windowEnd })
    .onConflict((oc) =>
      oc
        .columns(['key', 'window_start'])
        .doUpdateSet((eb) => ({ used: eb('message_budgets.used', '+', 1) }))
        .where('message_budgets.used', '<', counter.limit),
    )
    .returning('used')
    .executeTakeFirst();
  return { reserved: row !== undefined, windowStart, windowEnd };
}

/** Contacts are keyed by a keyed hash: the counters must not become a list of phone numbers and addresses. */
export function destinationKey(deps: MessageDeps, to: Destination): string {
  // Addresses differ only in case are one mailbox; numbers arrive as E.164 already.
  const recipient = to.channel === 'email' ? to.recipient.toLowerCase() : to.recipient;
  return hmac(deps.config.secret, 'message-destination', to.channel, recipient).slice(0, 22);
}

function countersFor(deps: MessageDeps, to: Destination, cause: BudgetedCause): Counter[] {
  // Codes after a correct password count apart from anonymous requests (their own pool of the same sizes).
  const pool = cause.kind === 'second_step' ? 'second-step' : 'public';
  const perWindow = (name: string, limits: BudgetLimits): Counter[] => [
    { key: `${pool}:${to.channel}:${name}:hour`, limit: limits.hour, windowMs: HOUR },
    { key: `${pool}:${to.channel}:${name}:day`, limit: limits.day, windowMs: DAY },
  ];
  const destination = destinationKey(deps, to);
  if (to.channel === 'email') return perWindow(`address:${destination}`, deps.config.messageBudgets.email.address);

  const sms = deps.config.messageBudgets.sms;
  const country = parsePhoneNumberFromString(to.recipient)?.countryCallingCode ?? 'unknown';
  return [
    ...perWindow(`number:${destination}`, sms.number),
    // Only the account that asked is charged: a public request naming a number must not reveal, by a different
    // 429, that the number belongs to an account (SECURITY.md: throttle answers never tell who an identifier is).
    ...(cause.accountId ? perWindow(`account:${cause.accountId}`, sms.account) : []),
    ...perWindow(`network:${sourceKey('net', cause.ip)}`, sms.network),
    ...perWindow(`country:${country}`, sms.country),
    { key: 'all:sms:ceiling', limit: sms.maxPerHour, windowMs: HOUR, ceiling: true },
  ];
}
