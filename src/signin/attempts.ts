import type { Deps, RequestInfo } from '../platform/context.js';
import { errors } from '../platform/errors.js';
import {
  ACCOUNT_POLICY,
  HARD_LIMIT,
  SOURCE_POLICY,
  accountKey,
  releaseAttempt,
  reserveAttempt,
  resetFailures,
  resetFailuresUnder,
  sourceKey,
  type ThrottlePolicy,
} from '../platform/throttle.js';
import { DAY, MINUTE } from '../platform/clock.js';
import { sha256 } from '../platform/crypto.js';
import { listIdentifiers } from '../accounts/store.js';
import { recordEvent } from '../activity/audit.js';
import { alertFailedSignins } from '../notify/signin-alerts.js';
import { knownSourceFor } from '../activity/known-devices.js';
import { hasRetryPass } from './retry-pass-store.js';

/**
 * The one gate every guess of a secret passes (ASVS 6.3.4): password, authenticator, text and email codes,
 * backup codes, passkeys, reset and lost-factor codes. An attempt is *reserved* before the secret is checked
 * and a spent allowance refuses with 429 before any hash or code check (check-then-count let 200 concurrent
 * guesses through).
 *
 * Whose allowance (NIST §3.2.2, lockout must not lock the owner out): a device or network that has signed in
 * to the account guesses on a counter of its own; everyone else shares the per-identifier, per-network and
 * per-account counters, so an attacker who knows only the email exhausts only the strangers' allowance.
 */
export type FactorScope = 'password' | 'second_factor' | 'sms_signin' | 'passkey' | 'reset_code' | StaffScope;
/** Staff guess on counters of their own: a customer's failures never pause a staff member, nor the reverse. */
export type StaffScope = 'staff_password' | 'staff_second_factor';
const SCOPES: FactorScope[] = ['password', 'second_factor', 'sms_signin', 'passkey', 'reset_code'];

/** Strangers' failures on one account across all its identifiers: never more than 100, forgotten after a quiet day. */
const ACCOUNT_CAP_POLICY: ThrottlePolicy = { freeFailures: HARD_LIMIT, firstWaitMs: MINUTE, maxWaitMs: DAY, forgetAfterMs: DAY };

export interface AttemptSpec {
  scope: FactorScope;
  /**
   * What the guesser named: a hash of the identifier typed, or the account for steps after the first. Keyed by
   * the identifier, so an email and a phone of one account don't share a counter that would link them.
   */
  subject: string;
  accountId: string | null;
  info: RequestInfo;
  method: string;
  /**
   * Records a wrong or refused guess where it belongs instead of the customers' audit trail (staff have their
   * own list): called with the method's reason, or with 'throttled' when the gate refuses before any check.
   */
  audit?(reason: string): Promise<void>;
}

export interface Attempt {
  /** Subject failures counted so far, this one included. */
  failures: number;
  succeeded(): Promise<void>;
  failed(): Promise<void>;
}

interface GateKey {
  key: string;
  policy: ThrottlePolicy;
  /** A success clears a subject's count; a network's is only given back (one's own account must not launder it). */
  onSuccess: 'clear' | 'release';
}

export async function takeAttempt(deps: Deps, spec: AttemptSpec): Promise<Attempt> {
  const keys = await gateKeys(deps, spec);
  const granted: GateKey[] = [];
  let failures = 0;
  for (const gate of keys) {
    const reservation = await reserveAttempt(deps.db, deps.clock, gate.key, gate.policy);
    if (!reservation.granted) {
      // Refused before anything is checked: the slots already taken are given back.
      for (const taken of granted) await releaseAttempt(deps.db, taken.key);
      if (spec.audit) await spec.audit('throttled');
      else await recordEvent(deps.db, deps.clock, { accountId: spec.accountId, type: 'signin.throttled', info: spec.info, detail: { method: spec.method } });
      throw errors.throttled(reservation.retryAfterSeconds);
    }
    if (gate.onSuccess === 'clear') failures = Math.max(failures, reservation.failures);
    granted.push(gate);
  }
  return {
    failures,
    succeeded: async () => {
      for (const gate of granted) await (gate.onSuccess === 'clear' ? resetFailures(deps.db, gate.key) : releaseAttempt(deps.db, gate.key));
    },
    failed: async () => {
      // The owner hears that someone is guessing, at most once an hour (activity/alerts.ts).
      if (spec.accountId && failures > ACCOUNT_POLICY.freeFailures) await alertFailedSignins(deps, spec.accountId, failures, spec.info);
    },
  };
}

/** Runs one guess through the gate: reserved first, cleared when `check` resolves, counted when it throws. */
export async function attemptSecret<T>(deps: Deps, spec: AttemptSpec, check: () => Promise<T>): Promise<T> {
  const attempt = await takeAttempt(deps, spec);
  let result: T;
  try {
    result = await check();
  } catch (error) {
    await attempt.failed();
    throw error;
  }
  await attempt.succeeded();
  return result;
}

async function gateKeys(deps: Deps, spec: AttemptSpec): Promise<GateKey[]> {
  // Looked up for unknown identifiers too, so a known and an unknown one do the same work.
  const deviceHash = sha256(spec.info.deviceToken ?? '');
  const [known, passed] = await Promise.all([
    knownSourceFor(deps, spec.accountId ?? spec.subject, spec.info),
    hasRetryPass(deps, spec.accountId ?? spec.subject, deviceHash),
  ]);
  // An emailed "let this browser try again" link gives the browser that asked a counter of its own, too:
  // ahead of a known network's, which others on that network may have spent.
  const own = known?.startsWith('device:') ? known : passed ? `pass:${deviceHash}` : known;
  if (own && spec.accountId) {
    return [{ key: `${accountKey(spec.scope, spec.accountId)}:${own}`, policy: ACCOUNT_POLICY, onSuccess: 'clear' }];
  }
  return [
    { key: sourceKey(spec.scope, spec.info.ip), policy: SOURCE_POLICY, onSuccess: 'release' },
    { key: `${spec.scope}:subject:${spec.subject}`, policy: ACCOUNT_POLICY, onSuccess: 'clear' },
    { key: accountKey(spec.scope, spec.accountId ?? spec.subject), policy: ACCOUNT_CAP_POLICY, onSuccess: 'clear' },
  ];
}

/** The throttle subject for a typed identifier: a hash, so known and unknown ones are keyed alike. */
export function identifierSubject(normalized: string): string {
  return `id:${sha256(normalized)}`;
}

/** Recovery that proves the owner (password reset, lost-factor recovery) clears every counter on the account. */
export async function clearAccountAttempts(deps: Deps, accountId: string): Promise<void> {
  const subjects = [accountId, ...(await listIdentifiers(deps.db, accountId)).map((i) => identifierSubject(i.normalized))];
  await resetFailuresUnder(deps.db, SCOPES.flatMap((scope) => [accountKey(scope, accountId), ...subjects.map((subject) => `${scope}:subject:${subject}`)]));
}
