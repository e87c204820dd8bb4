import { AppError } from '../../platform/errors.js';
import { codeDeps, consumeCode, findPending } from '../../verification/codes.js';
import { enableSmsFactor, removeFactor } from '../enrolment.js';
import type { SigninMethod, Verdict } from '../method.js';
import { hasConfirmedFactor } from '../store.js';
import { verifiedPhone } from './phone.js';

/**
 * A code texted to the account's verified phone: passwordless as a first factor, or the second step. The code
 * is bound to the flow that asked for it (signin-code.ts), and so to whoever that flow is signing in.
 */
export const smsMethod: SigninMethod<'code'> = {
  name: 'sms',
  needs: 'code',
  serves: ['customer'],
  secondStep: true,

  // SMS only to a phone the customer has proven (ASVS 6.6.1).
  isAvailable: async (deps, principal) => (await hasConfirmedFactor(deps.db, principal.id, 'sms')) && (await verifiedPhone(deps.db, principal.id)) !== undefined,

  async verify(deps, _principal, proof, { flowId }): Promise<Verdict> {
    const codes = codeDeps(deps);
    try {
      await consumeCode(codes, await findPending(codes, { flowId: flowId ?? '' }, 'signin_sms'), proof.code);
      return { ok: true };
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      // Expired, used or out of tries says more than "wrong": ask for a new code.
      return { ok: false, reason: 'wrong_code', error: error.code === 'code.invalid' ? undefined : error };
    }
  },

  enrol: (deps, principal, info) => enableSmsFactor(deps, { accountId: principal.id, info }),
  remove: (deps, principal, id, info) => removeFactor(deps, { accountId: principal.id, factorId: id, info }),
};
