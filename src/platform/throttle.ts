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
 * that doubles (1 min, 2, 4 … capped at 1 h). HARD_LIMIT consecutive failures on an account lock the sign-in
 * factor until the password is reset (NIST §3.2.2: never more than 100).
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
  const lowered = ip.toLowerCase();
  const address = lowered.startsWith('::ffff:') && lowered.includes('.') ? lowered.slice(7) : lowered;
  if (!address.includes(':')) return `${scope}:ip:${address}`;
  return `${scope}:ip6:${expandIpv6(address).slice(0, 4).join(':')}::/64`;
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
 * A rate limit on requests that send messages (sign-up, reset, find-your-account): every request counts
 * against the source, and once past the policy's free allowance the source waits.
 */
export async function spendSourceAllowance(db: Kysely<Database>, clock: Clock, scope: string, ip: string, policy: ThrottlePolicy): Promise<void> {
  const key = sourceKey(scope, ip);
  const state = await throttleState(db, clock, key);
  if (state.retryAfterSeconds > 0) throw errors.throttled(state.retryAfterSeconds);
  await recordFailure(db, clock, key, policy);
}
