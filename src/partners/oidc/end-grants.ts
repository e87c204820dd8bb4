import type { Deps } from '../../platform/context.js';
import { randomToken } from '../../platform/crypto.js';
import { DAY } from '../../platform/clock.js';
import { recordEvent } from '../../activity/audit.js';
import { queueWebhookEvent } from '../../webhooks/events.js';
import { subjectFor } from '../subjects.js';
import { revokeGrantArtefacts } from './adapter.js';
import { PENDING_LOGOUT_MODEL, kickLogoutDelivery } from './backchannel-logout.js';

export type GrantEndReason = 'customer_removed' | 'account_secured' | 'account_locked' | 'account_closed' | 'account_merged';

type TxDeps = Pick<Deps, 'db' | 'clock' | 'random' | 'notifyOutbox' | 'afterCommit' | 'config' | 'log'>;

/**
 * Ends what a customer allowed partner sites — one partner (Remove on Apps and websites) or all of them (the
 * account was secured or locked): the grant row is revoked, the provider's codes and tokens of the grant are
 * deleted, the partner is told (a back-channel logout, sent after the commit, and a `grant.revoked` webhook).
 * Call it inside the transaction of the change that causes it. Returns how many grants ended.
 */
export async function endPartnerGrants(tx: TxDeps, accountId: string, why: GrantEndReason, onlyPartnerId?: string): Promise<number> {
  let query = tx.db
    .selectFrom('partner_grants')
    .innerJoin('partners', 'partners.id', 'partner_grants.partner_id')
    .select(['partner_grants.id', 'partner_grants.partner_id', 'partner_grants.oidc_grant_id', 'partners.name', 'partners.backchannel_logout_uri'])
    .where('partner_grants.account_id', '=', accountId)
    .where('partner_grants.revoked_at', 'is', null);
  if (onlyPartnerId !== undefined) query = query.where('partner_grants.partner_id', '=', onlyPartnerId);
  const grants = await query.execute();
  const now = tx.clock.now();
  let ended = 0;
  for (const grant of grants) {
    const result = await tx.db.updateTable('partner_grants').set({ revoked_at: now }).where('id', '=', grant.id).where('revoked_at', 'is', null).executeTakeFirst();
    // Two removals at once: only the one that revoked the row tells anyone.
    if (Number(result.numUpdatedRows) !== 1) continue;
    ended += 1;
    if (grant.oidc_grant_id) await revokeGrantArtefacts(tx, grant.oidc_grant_id);
    if (grant.backchannel_logout_uri) {
      await tx.db
        .insertInto('oidc_models')
        .values({
          model: PENDING_LOGOUT_MODEL,
          id: randomToken(tx.random, 16),
          payload: JSON.stringify({ partnerId: grant.partner_id, accountId }),
          grant_id: null,
          uid: null,
          user_code: null,
          expires_at: now + DAY,
          consumed_at: null,
        })
        .execute();
    }
    const sub = await subjectFor(tx, grant.partner_id, accountId);
    await queueWebhookEvent(tx, { type: 'grant.revoked', data: { account_id: accountId, partner_id: grant.partner_id, reason: why }, partner: { id: grant.partner_id, data: { sub, reason: why } } });
    if (why === 'customer_removed') await recordEvent(tx.db, tx.clock, { accountId, type: 'partner.removed', detail: { partner: grant.name } });
  }
  // The sender reads the pending rows on its own connection: only after the commit can it see them.
  const afterCommit = tx.afterCommit ?? ((run: () => void) => run());
  if (ended > 0) afterCommit(() => kickLogoutDelivery(tx.config));
  return ended;
}
