import type { Deps } from '../../platform/context.js';
import { MINUTE } from '../../platform/clock.js';
import type { Job } from '../../platform/jobs/runner.js';
import { runningProvider } from './provider-registry.js';

/**
 * Back-channel logouts (OpenID Connect Back-Channel Logout 1.0) waiting to be sent: written in the transaction that
 * ended the grant, so a rolled-back change tells no one, and sent after it — at once, and again by a job every
 * minute while the partner does not answer, until the row expires (a day).
 */
export const PENDING_LOGOUT_MODEL = 'PendingBackchannelLogout';

const BATCH = 50;

/** Tries the pending logouts soon, on the app's own pool: what the caller's transaction wrote goes once committed. */
export function kickLogoutDelivery(config: Deps['config']): void {
  const app = runningProvider(config);
  if (!app) return;
  setImmediate(() => {
    sendPendingLogouts(app.deps).catch((error: unknown) => app.deps.log.warn({ err: error }, 'back-channel logout delivery failed'));
  });
}

export function backchannelLogoutJobs(deps: Deps): Job[] {
  return [{ name: 'partner-backchannel-logouts', everyMs: MINUTE, run: () => sendPendingLogouts(deps) }];
}

/** Sends what is pending; a logout the partner took (200/204), or one for a partner no longer there, is done. */
export async function sendPendingLogouts(deps: Pick<Deps, 'db' | 'config' | 'log' | 'clock'>): Promise<number> {
  const app = runningProvider(deps.config);
  if (!app) return 0;
  const pending = await deps.db
    .selectFrom('oidc_models')
    .select(['id', 'payload'])
    .where('model', '=', PENDING_LOGOUT_MODEL)
    .where('expires_at', '>', deps.clock.now())
    .limit(BATCH)
    .execute();
  let sent = 0;
  for (const row of pending) {
    const { partnerId, accountId } = JSON.parse(row.payload) as { partnerId: string; accountId: string };
    const client = await app.provider.Client.find(partnerId);
    try {
      if (client?.backchannelLogoutUri) await (client as unknown as { backchannelLogout(sub: string, sid: string): Promise<void> }).backchannelLogout(accountId, '');
      if (client) sent += 1;
    } catch (error) {
      deps.log.warn({ err: error, partnerId }, 'partner did not take a back-channel logout; will retry');
      continue;
    }
    await deps.db.deleteFrom('oidc_models').where('model', '=', PENDING_LOGOUT_MODEL).where('id', '=', row.id).execute();
  }
  return sent;
}
