import { beginTotp, removeFactor } from '../enrolment.js';
import type { SigninMethod } from '../method.js';
import { hasConfirmedFactor } from '../store.js';
import { useTotpCode } from './totp-factor.js';

/** An authenticator app's 6-digit code; each accepted once (totp-factor.ts claims its time step). */
export const totpMethod: SigninMethod<'code'> = {
  name: 'totp',
  needs: 'code',
  serves: ['customer'],
  secondStep: true,

  isAvailable: (deps, principal) => hasConfirmedFactor(deps.db, principal.id, 'totp'),

  async verify(deps, principal, proof) {
    const accepted = principal ? await useTotpCode(deps.db, deps.clock, deps.config.keys, principal.id, proof.code) : undefined;
    return accepted ? { ok: true } : { ok: false, reason: 'wrong_code' };
  },

  enrol: (deps, principal) => beginTotp(deps, principal.id, { fresh: true }),
  remove: (deps, principal, id, info) => removeFactor(deps, { accountId: principal.id, factorId: id, info }),
};
