import type { Deps } from '../../platform/context.js';
import { newId } from '../../platform/crypto.js';
import type { SigninClaims } from './claims.js';

/**
 * A customer's "Sign in with" consent to one partner: one partner_grants row per account and partner (pays and
 * the payment columns belong to checkout). Consenting again after removal brings the same row back, with paying
 * switched off: the customer allowed sign-in, not payments.
 */
export interface SigninGrant {
  claims: SigninClaims;
  oidcGrantId: string | null;
}

export async function activeSigninGrant(deps: Pick<Deps, 'db'>, accountId: string, partnerId: string): Promise<SigninGrant | null> {
  const row = await deps.db
    .selectFrom('partner_grants')
    .select(['signin_claims', 'oidc_grant_id'])
    .where('account_id', '=', accountId)
    .where('partner_id', '=', partnerId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (!row?.signin_claims) return null;
  return { claims: JSON.parse(row.signin_claims) as SigninClaims, oidcGrantId: row.oidc_grant_id };
}

export async function rememberSigninGrant(deps: Pick<Deps, 'db' | 'clock'>, input: { accountId: string; partnerId: string; claims: SigninClaims; oidcGrantId: string }): Promise<void> {
  const now = deps.clock.now();
  const signin = { signin_claims: JSON.stringify(input.claims), oidc_grant_id: input.oidcGrantId, last_used_at: now };
  await deps.db
    .insertInto('partner_grants')
    .values({ id: newId(), account_id: input.accountId, partner_id: input.partnerId, pays: 0, created_at: now, revoked_at: null, ...signin })
    .onConflict((conflict) => conflict.columns(['account_id', 'partner_id']).doNothing())
    .execute();
  await deps.db
    .updateTable('partner_grants')
    .set((eb) => ({
      ...signin,
      pays: eb.case().when('revoked_at', 'is not', null).then(0).else(eb.ref('pays')).end(),
      created_at: eb.case().when('revoked_at', 'is not', null).then(now).else(eb.ref('created_at')).end(),
      revoked_at: null,
    }))
    .where('account_id', '=', input.accountId)
    .where('partner_id', '=', input.partnerId)
    .execute();
}

/** A sign-in through a remembered consent: for "last used" on Apps and websites. */
export async function touchSigninGrant(deps: Pick<Deps, 'db' | 'clock'>, accountId: string, partnerId: string): Promise<void> {
  await deps.db
    .updateTable('partner_grants')
    .set({ last_used_at: deps.clock.now() })
    .where('account_id', '=', accountId)
    .where('partner_id', '=', partnerId)
    .where('revoked_at', 'is', null)
    .execute();
}
