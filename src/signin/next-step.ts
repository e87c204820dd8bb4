import type { ReopenNeeded } from '../closing/reopen.js';
import type { Deps, RequestInfo } from '../platform/context.js';
import { AppError } from '../platform/errors.js';
import { advanceFlow, type Flow } from '../platform/flows.js';
import { recordEvent } from '../activity/audit.js';
import type { Principal } from '../methods/method.js';
import { secondStepMethods, type SecondStepMethod } from '../methods/registry.js';
import { rememberedDeviceMethod } from '../methods/remembered-device/remembered-device-method.js';
import { completeSignin, type SignedIn } from './complete.js';

/**
 * What comes after a factor passes, for every sign-in path alike (password, texted code, passkey, the second
 * step): done, or the second step with the methods still open.
 * - Two factors proven (or a passkey that verified its user, which is two on its own): done.
 * - A principal without two-step verification: done after one.
 * - A factor already passed can't be the second; if the principal's only second steps are the factor just
 *   used, this way of signing in can't finish (SMS-only two-step after an SMS sign-in; an unverified passkey
 *   on an account whose only second step is a passkey).
 * - A remembered device skips the second step, whichever factor came first.
 */
export interface SecondStepNeeded {
  state: 'second_factor';
  flowId: string;
  methods: SecondStepMethod[];
}

export interface FactorPassed {
  flow: Flow<unknown>;
  /** The state the flow is in, which the next move starts from. */
  from: string;
  principal: Principal;
  /** Every factor the flow has proven, the one just passed last. */
  factors: string[];
  /** The factor proves two on its own: a passkey whose authenticator confirmed the person (PIN or biometric). */
  provesTwo?: boolean;
  /** Asked for at the second step: skip it on this device for 30 days. */
  rememberDevice?: boolean;
}

/** What a first factor is told when the principal's only second step is that same factor. */
const ONLY_THIS_FACTOR: Record<string, { reason?: string; error: () => AppError }> = {
  sms: { error: () => new AppError(403, 'signin.password_required', 'Your account uses text messages for two-step verification, so please sign in with your password.') },
  passkey: {
    reason: 'user_not_verified',
    error: () => new AppError(401, 'signin.user_verification_required', "Your passkey didn't confirm it was you with your fingerprint, face or screen lock. Try again, or sign in with your password."),
  },
};

export async function nextStep(deps: Deps, passed: FactorPassed, info: RequestInfo): Promise<SignedIn | SecondStepNeeded | ReopenNeeded> {
  const { flow, from, principal, factors } = passed;
  const finish = (proven: string[]) =>
    completeSignin(deps, flow, { from, accountId: principal.id, factors: proven, method: proven.join('+'), info, rememberDevice: passed.rememberDevice });
  if (passed.provesTwo || factors.length >= 2) return finish(factors);

  const methods = await secondStepMethods(deps, principal);
  if (methods.length === 0) return finish(factors);
  const just = factors[factors.length - 1]!;
  const others = methods.filter((method) => !factors.includes(method));
  // Before the remembered device, as SMS sign-in always was: a way in whose factor is the account's only second
  // step stays closed, remembered browser or not.
  if (others.length === 0) throw await cannotFinish(deps, principal, just, info);
  if ((await rememberedDeviceMethod.verify(deps, principal, { token: info.rememberToken }, { info })).ok) return finish([...factors, 'remembered_device']);

  await advanceFlow(deps.db, deps.clock, flow, from, { state: 'second_factor', accountId: principal.id, factorsPassed: factors });
  await recordEvent(deps.db, deps.clock, { accountId: principal.id, type: 'signin.second_factor_required', info, detail: { method: just } });
  return { state: 'second_factor', flowId: flow.id, methods: others };
}

async function cannotFinish(deps: Deps, principal: Principal, factor: string, info: RequestInfo): Promise<AppError> {
  const refusal = ONLY_THIS_FACTOR[factor];
  if (!refusal) throw new Error(`no second step can follow ${factor}`);
  if (refusal.reason) await recordEvent(deps.db, deps.clock, { accountId: principal.id, type: 'signin.failed', info, detail: { method: factor, reason: refusal.reason } });
  return refusal.error();
}
