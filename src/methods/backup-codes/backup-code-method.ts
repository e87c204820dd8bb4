import { newBackupCodes } from '../enrolment.js';
import type { SigninMethod } from '../method.js';
import { countUnusedBackupCodes, hasSecondFactor } from '../store.js';
import { consumeBackupCode } from './backup-codes.js';

/** A single-use code from the sheet saved at set-up: stands in for a lost factor at the second step. */
export const backupCodeMethod: SigninMethod<'code'> = {
  name: 'backup_code',
  needs: 'code',
  serves: ['customer'],
  secondStep: true,

  // With no factor left, backup codes are not two-step verification.
  isAvailable: async (deps, principal) => (await hasSecondFactor(deps.db, principal.id)) && (await countUnusedBackupCodes(deps.db, principal.id)) > 0,

  async verify(deps, principal, proof) {
    const used = principal ? await consumeBackupCode(deps.db, deps.clock, deps.config.keys, principal.id, proof.code) : false;
    return used ? { ok: true } : { ok: false, reason: 'wrong_code' };
  },

  enrol: (deps, principal, info) => newBackupCodes(deps, { accountId: principal.id, info }),
};
