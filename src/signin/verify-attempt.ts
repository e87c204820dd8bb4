import type { Deps } from '../platform/context.js';
import type { AppError } from '../platform/errors.js';
import { recordEvent } from '../activity/audit.js';
import type { Accepted, Verdict } from '../methods/method.js';
import { takeAttempt, type AttemptSpec } from './attempts.js';

/**
 * Every verification of a sign-in method, written once: reserve an attempt on the gate (attempts.ts) before
 * anything is checked, verify, then either clear the count, or log the failure with its method and reason
 * (ASVS 16.3.1) and count it. A spent allowance answers 429 before the method runs. An error the verify throws
 * (a flow that moved on meanwhile) is not a guess and goes on uncounted.
 */
export interface GuessSpec extends AttemptSpec {
  /** The audit event a wrong guess writes: confirming a password before a change logs its own. */
  failedEvent?: 'signin.failed' | 'stepup.failed';
  /** Logged for every wrong guess at this step in place of the method's own reason (the second step says only `wrong_second_factor`). */
  reason?: string;
  /** The answer to a wrong guess, one for every cause (ASVS 6.3.8); `error` is the method's own, when it has one (an expired code). */
  refuse(error: AppError | undefined): AppError;
}

export async function verifyAttempt(deps: Deps, spec: GuessSpec, verify: () => Promise<Verdict>): Promise<Accepted> {
  const attempt = await takeAttempt(deps, spec);
  const verdict = await verify();
  if (!verdict.ok && spec.audit) {
    await spec.audit(spec.reason ?? verdict.reason);
    await attempt.failed();
    throw spec.refuse(verdict.error);
  }
  if (!verdict.ok) {
    await recordEvent(deps.db, deps.clock, {
      accountId: spec.accountId,
      type: spec.failedEvent ?? 'signin.failed',
      info: spec.info,
      detail: { method: spec.method, reason: spec.reason ?? verdict.reason },
    });
    await attempt.failed();
    throw spec.refuse(verdict.error);
  }
  await attempt.succeeded();
  return verdict;
}
