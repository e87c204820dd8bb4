import { forgetDevices } from '../enrolment.js';
import type { SigninMethod } from '../method.js';
import { isRememberedDevice, listRememberedDevices } from './remembered-devices.js';

/**
 * "Don't ask again on this device": the cookie set after a second step lets this browser skip that step for 30
 * days, after any first factor. Never chosen, only noticed, and not a guess: a wrong or stale cookie just means
 * the second step is asked, so nothing here is counted.
 */
export const rememberedDeviceMethod: SigninMethod<'cookie'> = {
  name: 'remembered_device',
  needs: 'cookie',
  serves: ['customer'],
  secondStep: false,

  isAvailable: async (deps, principal) => (await listRememberedDevices(deps.db, deps.clock, principal.id)).length > 0,

  async verify(deps, principal, proof) {
    const remembered = principal ? await isRememberedDevice(deps.db, deps.clock, principal.id, proof.token) : false;
    return remembered ? { ok: true } : { ok: false, reason: 'not_remembered' };
  },

  remove: async (deps, principal, id, info) => {
    await forgetDevices(deps, { accountId: principal.id, id, info });
  },
};
