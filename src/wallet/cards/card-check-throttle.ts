import { HOUR } from '../../platform/clock.js';
import type { Deps, RequestInfo } from '../../platform/context.js';
import { accountKey, recordFailure, sourceKey, throttleState, type ThrottlePolicy } from '../../platform/throttle.js';
import { cardErrors } from './card-errors.js';
import type { DeclineReason } from '../gateways/gateway.js';

/**
 * Card testing: someone holding a list of stolen numbers uses "add a card" as a free oracle, each zero-amount
 * check telling them which numbers are live. Declines are counted per account and per source network (IPv6 by
 * /64) with the shared throttle; past the allowance, starting or finishing a setup answers 429 `throttled` with
 * Retry-After until an hour has passed. A saved card does not clear the count: one good card of the tester's own
 * must not launder the next batch of stolen ones.
 */
const SCOPE = 'card_check';

/** The 5th decline within an hour pauses the account for an hour; the window then starts again. */
export const CARD_CHECK_ACCOUNT_POLICY: ThrottlePolicy = { freeFailures: 4, firstWaitMs: HOUR, maxWaitMs: HOUR, forgetAfterMs: HOUR };
/** A whole network (an office, a mobile carrier's NAT) gets more room: 20 declines an hour. */
export const CARD_CHECK_SOURCE_POLICY: ThrottlePolicy = { freeFailures: 19, firstWaitMs: HOUR, maxWaitMs: HOUR, forgetAfterMs: HOUR };

/** Refuses with 429 while the account or the source is paused; checked before a setup starts and before it completes. */
export async function guardCardChecks(deps: Deps, accountId: string, info: RequestInfo): Promise<void> {
  const [byAccount, bySource] = await Promise.all([
    throttleState(deps.db, deps.clock, accountKey(SCOPE, accountId)),
    throttleState(deps.db, deps.clock, sourceKey(SCOPE, info.ip)),
  ]);
  const wait = Math.max(byAccount.retryAfterSeconds, bySource.retryAfterSeconds);
  if (wait > 0) throw cardErrors.checksPaused(wait);
}

/**
 * Counts one decline against the account and the source. A processing error is the processor's trouble, not the
 * issuer's answer about the card: it tells a tester nothing and must not lock out a customer during an outage.
 */
export async function countDecline(deps: Deps, accountId: string, info: RequestInfo, reason: DeclineReason): Promise<void> {
  if (reason === 'processing_error') return;
  await Promise.all([
    recordFailure(deps.db, deps.clock, accountKey(SCOPE, accountId), CARD_CHECK_ACCOUNT_POLICY),
    recordFailure(deps.db, deps.clock, sourceKey(SCOPE, info.ip), CARD_CHECK_SOURCE_POLICY),
  ]);
}
