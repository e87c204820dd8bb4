import type { Kysely } from 'kysely';
import type { Clock } from './clock.js';
import { DAY, HOUR, MINUTE } from './clock.js';
import type { Database } from './db/schema.js';
import { errors } from './errors.js';

/**
 * Failure counting with growing waits, per account and per source (IPv6 by /64). Counts live in the database
 * and move by one atomic upsert, so 200 parallel failures count 200 (Keycloak #31726) and every instance
 * shares them. A success resets a key.
 *
 * Policy: the first FREE_FAILURES failures cost nothing; after that each failure blocks the key for a wait
 * that doubles (1 min, 2, 4 … capped at 1 h). At HARD_LIMIT failures a key refuses until it has been quiet
 * for forgetAfterMs (NIST §3.2.2: never more than 100; limits decay, never "until reset").
 */
export interface ThrottlePolicy {
  freeFailures: number;
  firstWaitMs: number;
  maxWaitMs: number;
  /** A key with no failure for this long starts again from zero. */
  forgetAfterMs: number;
}

export const ACCOUNT_POLICY: ThrottlePolicy = { freeFailures: 5, firstWaitMs: MINUTE, maxWaitMs: HOUR, forgetAfterMs: DAY };
export const SOURCE_POLICY: ThrottlePolicy = { freeFailures: 20, firstWaitMs: MINUTE, maxWaitMs: HOUR, forgetAfterMs: HOUR };
export const HARD_LIMIT = 100;

/**
 * Reserve, then check: takes one attempt from a key's allowance before the secret is checked. One atomic
 * upsert increments the count only while the key is neither waiting nor at its cap, and reports through its
 * RETURNING whether this caller got the slot — so N concurrent callers on any engine or instance get at most
 * the allowance (check-then-count let 200 concurrent guesses through). A reserved attempt counts as a
 * failure until a success clears or releases it.
 */
export interface Reservation {
  granted: boolean;
  /** How long a refused caller waits; 0 when granted. */
  retryAfterSeconds: number;
  /** The key's count including this attempt (when granted). */
  failures: number;
}

export async function reserveAttempt(db: Kysely<Database>, clock: Clock, key: string, policy: ThrottlePolicy, cap = HARD_LIMIT): Promise<Reservation> {
  const now = clock.now();
  const forgotten = now - policy.forgetAfterMs;
  const row = await db
    .insertInto('throttles')
    .values({ key, failures: 1, blocked_until: policy.freeFailures >= 1 ? 0 : now + policy.firstWaitMs, updated_at: now })
    .onConflict((oc) =>
      oc
        .column('key')
        .doUpdateSet((eb) => {
          // The wait doubles from the last one (blocked_until − updated_at), so no power function is needed.
          // Parenthesised: the query builder writes binary operations without brackets.
          const lastWait = eb.parens(eb(eb.ref('throttles.blocked_until'), '-', eb.ref('throttles.updated_at')));
          const doubled = eb.parens(eb(lastWait, '*', eb.val(2)));
          return {
            // A key quiet for forgetAfterMs starts again from one: limits decay, never "until reset" (NIST §3.2.2).
            failures: eb.case().when('throttles.updated_at', '<', forgotten).then(eb.val(1)).else(eb('throttles.failures', '+', 1)).end(),
            blocked_until: eb
              .case()
              .when('throttles.updated_at', '<', forgotten).then(eb.val(policy.freeFailures >= 1 ? 0 : now + policy.firstWaitMs))
              .when(eb('throttles.failures', '+', 1), '<=', policy.freeFailures).then(eb.val(0))
              .when(lastWait, '<=', 0).then(eb.val(now + policy.firstWaitMs))
              .when(doubled, '>=', policy.maxWaitMs).then(eb.val(now + policy.maxWaitMs))
              .else(eb(eb.val(now), '+', doubled))
              .end(),
            updated_at: now,
          };
        })
        .where((eb) =>
          eb.or([
            eb('throttles.updated_at', '<', forgotten),
            eb.and([eb('throttles.blocked_until', '<=', now), eb('throttles.failures', '<', cap)]),
          ]),
        ),
    )
    .returning('failures')
    .executeTakeFirst();
  if (row) return { granted: true, retryAfterSeconds: 0, failures: row.failures };
  const held = await db.selectFrom('throttles').select(['failures', 'blocked_until', 'updated_at']).where('key', '=', key).executeTakeFirst();
  if (!held) return { granted: false, retryAfterSeconds: 1, failures: 0 };
  // At the cap the key waits until it is forgotten: a day of quiet, not a reset.
  const until = held.failures >= cap ? held.updated_at + policy.forgetAfterMs : held.blocked_until;
  return { granted: false, retryAfterSeconds: Math.max(1, Math.ceil((until - now) / 1000)), failures: held.failures };
}

/** Gives back a reservation that checked nothing or succeeded without clearing the key (a source's count). */
export async function releaseAttempt(db: Kysely<Database>, key: string): Promise<void> {
  await db
    .updateTable('throttles')
    .set((eb) => ({ failures: eb('failures', '-', 1) }))
    .where('key', '=', key)
    .where('failures', '>', 0)
    .execute();
}

/** Deletes every key under the given prefixes (recovery that proves the owner clears all its counters). */
export async function resetFailuresUnder(db: Kysely<Database>, prefixes: string[]): Promise<void> {
  if (prefixes.length === 0) return;
  await db
    .deleteFrom('throttles')
    .where((eb) => eb.or(prefixes.map((prefix) => eb('key', 'like', `${prefix}%`))))
    .execute();
}

export interface ThrottleState {
  failures: number;
  retryAfterSeconds: number;
}

export async function throttleState(db: Kysely<Database>, clock: Clock, key: string): Promise<ThrottleState> {
  const row = await db.selectFrom('throttles').select(['failures', 'blocked_until']).where('key', '=', key).executeTakeFirst();
  if (!row) return { failures: 0, retryAfterSeconds: 0 };
  // Past the hard limit the factor stays blocked until a success elsewhere (a password reset) clears the key.
  if (row.failures >= HARD_LIMIT) return { failures: row.failures, retryAfterSeconds: 3600 };
  const waitMs = row.blocked_until - clock.now();
  return { failures: row.failures, retryAfterSeconds: waitMs > 0 ? Math.ceil(waitMs / 1000) : 0 };
}

/** Counts one failure and returns the new count. One statement: exact under any concurrency. */
export async function recordFailure(db: Kysely<Database>, clock: Clock, key: string, policy: ThrottlePolicy): Promise<number> {
  const now = clock.now();
  const row = await db
    .insertInto('throttles')
    .values({ key, failures: 1, blocked_until: 0, updated_at: now })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet((eb) => ({
        failures: eb
          .case()
          .when('throttles.updated_at', '<', now - policy.forgetAfterMs)
          .then(1)
          .else(eb('throttles.failures', '+', 1))
          .end(),
        updated_at: now,
      })),
    )
    .returning('failures')
    .executeTakeFirstOrThrow();
  const failures = row.failures;
  if (failures > policy.freeFailures) {
    const wait = Math.min(policy.maxWaitMs, policy.firstWaitMs * 2 ** (failures - policy.freeFailures - 1));
    await db
      .updateTable('throttles')
      .set({ blocked_until: now + wait })
      .where('key', '=', key)
      .where('blocked_until', '<', now + wait)
      .execute();
  }
  return failures;
}

export async function resetFailures(db: Kysely<Database>, key: string): Promise<void> {
  await db.deleteFrom('throttles').where('key', '=', key).execute();
}

/** The source key groups an IPv6 address by its /64, since one customer's network hands out a whole /64. */
export function sourceKey(scope: string, ip: string): string {
  return `${scope}:${networkOf(ip)}`;
}

/** An IPv4 address on its own, or an IPv6 address's /64: the unit a source is throttled and trusted by. */
export function networkOf(ip: string): string {
  const lowered = ip.toLowerCase();
  const address = lowered.startsWith('::ffff:') && lowered.includes('.') ? lowered.slice(7) : lowered;
  if (!address.includes(':')) return `ip:${address}`;
  return `ip6:${expandIpv6(address).slice(0, 4).join(':')}::/64`;
}

export function accountKey(scope: string, accountId: string): string {
  return `${scope}:account:${accountId}`;
}

function expandIpv6(address: string): string[] {
  const [head = '', tail = ''] = address.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const missing = address.includes('::') ? 8 - left.length - right.length : 0;
  return [...left, ...Array(missing).fill('0'), ...right].map((part) => part.toLowerCase().replace(/^0+(?=.)/, ''));
}

/**
 * At most once per period for a key (e.g. one failed-sign-in alert an hour): true for the one caller that
 * claimed the slot. One statement, so concurrent callers can't both win.
 */
export async function claimPeriodicSlot(db: Kysely<Database>, clock: Clock, key: string, periodMs: number): Promise<boolean> {
  const now = clock.now();
  const result = await db
    .insertInto('throttles')
    .values({ key, failures: 0, blocked_until: now + periodMs, updated_at: now })
    .onConflict((oc) =>
      oc
        .column('key')
        .doUpdateSet({ blocked_until: now + periodMs, updated_at: now })
        .where('throttles.blocked_until', '<=', now),
    )
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
}

/**
 * A rate limit on requests that send messages (sign-up, reset, find-your-account): every request reserves a
 * slot from the source's allowance in one statement, so concurrent requests can't all slip past a check.
 */
export async function spendSourceAllowance(db: Kysely<Database>, clock: Clock, scope: string, ip: string, policy: ThrottlePolicy): Promise<void> {
  const reserved = await reserveAttempt(db, clock, sourceKey(scope, ip), policy);
  if (!reserved.granted) throw errors.throttled(reserved.retryAfterSeconds);
}
