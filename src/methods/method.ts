import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import type { Deps, RequestInfo } from '../platform/context.js';
import type { AppError } from '../platform/errors.js';

/**
 * A way of proving who you are, plugged into sign-in through one small interface (Kratos's strategies, Logto's
 * verification records): what it needs, whether a principal has it, and verify. The flows decide what comes
 * next (signin/next-step.ts) and every guess is verified inside the one attempt gate (signin/verify-attempt.ts),
 * so a method holds no throttling, no audit of failures and no flow logic. Adding one: a folder and a line in
 * registry.ts.
 */

/**
 * Who is signing in. Methods look a principal up by kind and id, never by an account id passed ad hoc, so
 * the support console's staff (their own table: password plus a passkey or an authenticator app; never SMS,
 * never a remembered device) can reuse them: a method lists the kinds it serves, and staff join those lists
 * when their store does.
 */
export type PrincipalKind = 'customer' | 'staff';

export interface Principal {
  kind: PrincipalKind;
  id: string;
}

export function customer(accountId: string): Principal {
  return { kind: 'customer', id: accountId };
}

export type MethodName = 'password' | 'passkey' | 'totp' | 'sms' | 'backup_code' | 'remembered_device';

/** What each kind of method is shown. */
export interface Proofs {
  password: { password: string };
  /** A typed code: from an authenticator app, a text message, or a sheet of backup codes. */
  code: { code: string };
  /** A passkey's signed answer to the challenge this server issued. */
  assertion: { response: AuthenticationResponseJSON; challenge: string };
  /** A cookie the browser holds. */
  cookie: { token: string | undefined };
}

export interface VerifyContext {
  info: RequestInfo;
  /** The flow asking: a texted code is bound to the flow it was sent for. */
  flowId?: string;
}

/**
 * A verify's answer. A failure carries the reason for the audit trail (never shown) and, rarely, an answer of
 * the method's own that tells the customer more than "wrong" (an expired code: ask for a new one).
 */
export type Verdict = Accepted | { ok: false; reason: string; error?: AppError };

export interface Accepted {
  ok: true;
  /** A passkey's authenticator confirmed the person too (PIN or biometric), so it proves two factors alone. */
  userVerified?: boolean;
}

export interface SigninMethod<K extends keyof Proofs = keyof Proofs> {
  readonly name: MethodName;
  readonly needs: K;
  readonly serves: readonly PrincipalKind[];
  /** Offered at the second step of sign-in. The password only ever comes first; a remembered device is noticed, not chosen. */
  readonly secondStep: boolean;
  isAvailable(deps: Deps, principal: Principal): Promise<boolean>;
  /** `principal` is null when nobody matched what was typed: the method still does the same work (ASVS 6.3.8). */
  verify(deps: Deps, principal: Principal | null, proof: Proofs[K], context: VerifyContext): Promise<Verdict>;
  /** Starts adding it, where that applies: delegates to the method's own enrolment functions. */
  enrol?(deps: Deps, principal: Principal, info: RequestInfo): Promise<unknown>;
  /** Takes away one of the principal's own (another principal's id is unknown: 404). */
  remove?(deps: Deps, principal: Principal, id: string, info: RequestInfo): Promise<void>;
}
