import type { Deps, RequestInfo } from '../platform/context.js';
import { errors } from '../platform/errors.js';
import { ACCOUNT_POLICY, SOURCE_POLICY, accountKey, recordFailure, resetFailures, sourceKey, throttleState } from '../platform/throttle.js';
import { recordEvent } from '../activity/audit.js';

/**
 * The throttle every sign-in factor passes through (ASVS 6.3.4): one counter per factor and subject, one per
 * factor and source network. A blocked attempt is logged and answered 429 before any secret is checked.
 */
export type FactorScope = 'password' | 'second_factor' | 'sms_signin' | 'passkey';

export interface AttemptKeys {
  subject: string;
  source: string;
}

export function attemptKeys(scope: FactorScope, subject: string, info: RequestInfo): AttemptKeys {
  return { subject: accountKey(scope, subject), source: sourceKey(scope, info.ip) };
}

export async function guardAttempt(deps: Deps, keys: AttemptKeys, event: { accountId: string | null; info: RequestInfo; method: string }): Promise<void> {
  const [bySubject, bySource] = await Promise.all([throttleState(deps.db, deps.clock, keys.subject), throttleState(deps.db, deps.clock, keys.source)]);
  const wait = Math.max(bySubject.retryAfterSeconds, bySource.retryAfterSeconds);
  if (wait > 0) {
    await recordEvent(deps.db, deps.clock, { accountId: event.accountId, type: 'signin.throttled', info: event.info, detail: { method: event.method } });
    throw errors.throttled(wait);
  }
}

/** Counts a failure against both keys; returns the subject's consecutive failures. */
export async function countFailure(deps: Deps, keys: AttemptKeys): Promise<number> {
  const [subjectFailures] = await Promise.all([
    recordFailure(deps.db, deps.clock, keys.subject, ACCOUNT_POLICY),
    recordFailure(deps.db, deps.clock, keys.source, SOURCE_POLICY),
  ]);
  return subjectFailures;
}

/** A success clears the subject's count, not the source's: one's own account must not launder an address. */
export async function clearFailures(deps: Deps, keys: AttemptKeys): Promise<void> {
  await resetFailures(deps.db, keys.subject);
}
