import { beginTotp, removeFactor } from '../enrolment.js';
import type { SigninMethod } from '../method.js';
import { hasConfirmedFactor } from '../store.js';
import { useTotpCode } from './totp-factor.js';
import { factorTableOf } from '../factor-table.js';

/**
 * An authenticator app's 6-digit code; each accepted once (totp-factor.ts claims its time step). Staff use it
 * too: their keys sit in staff_factors (factor-table.ts); enrolling and removing theirs is the staff setup's.
 */
export const totpMethod: SigninMethod<'code'> = {
  name: 'totp',
  needs: 'code',
  serves: ['customer', 'staff'],
  secondStep: true,

  isAvailable: (deps, principal) => hasConfirmedFactor(deps.db, principal.id, 'totp', factorTableOf(principal.kind)),

  async verify(deps, principal, proof) {
    const accepted = principal ? await useTotpCode(deps.db, deps.clock, deps.config.keys, principal.id, proof.code, { table: factorTableOf(principal.kind) }) : undefined;
    return accepted ? { ok: true } : { ok: false, reason: 'wrong_code' };
  },

  enrol: (deps, principal) => beginTotp(deps, principal.id, { fresh: true }),
  remove: (deps, principal, id, info) => removeFactor(deps, { accountId: principal.id, factorId: id, info }),
};
