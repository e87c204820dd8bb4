import type { Deps } from '../../platform/context.js';
import { HOUR } from '../../platform/clock.js';
import type { Job } from '../../platform/jobs/runner.js';
import { storeLegacyUserHandles } from './passkey-user-handle.js';

/** Passkeys of accounts from before stored handles keep working after SECRET rotates (passkey-user-handle.ts). */
export function passkeyJobs(deps: Deps): Job[] {
  return [{ name: 'store-legacy-passkey-handles', everyMs: HOUR, run: () => storeLegacyUserHandles(deps.db, deps.config.keys) }];
}
