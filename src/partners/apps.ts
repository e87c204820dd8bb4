import type { Deps } from '../platform/context.js';
import { inTransaction } from '../platform/db/transaction.js';
import { errors } from '../platform/errors.js';
import { choicesFor } from './oidc/claims.js';
import type { SigninClaims } from './oidc/claims.js';
import { endPartnerGrants } from './oidc/end-grants.js';
import { isPartnerId } from './partners.js';

/** One partner site on the customer's Apps and websites list: what it gets, whether it can take payments, when. */
export interface AllowedApp {
  partnerId: string;
  name: string;
  /** Plain words for each thing it gets on sign-in ("Your name", "Email: ada@…"); empty if it only takes payments. */
  shares: string[];
  pays: boolean;
  allowedAt: number;
  lastUsedAt: number | null;
}

export async function listAllowedApps(deps: Deps, accountId: string): Promise<AllowedApp[]> {
  const rows = await deps.db
    .selectFrom('partner_grants')
    .innerJoin('partners', 'partners.id', 'partner_grants.partner_id')
    .select(['partners.id', 'partners.name', 'partner_grants.signin_claims', 'partner_grants.pays', 'partner_grants.created_at', 'partner_grants.last_used_at'])
    .where('partner_grants.account_id', '=', accountId)
    .where('partner_grants.revoked_at', 'is', null)
    .where('partners.revoked_at', 'is', null)
    .orderBy('partner_grants.created_at', 'desc')
    .execute();
  const choices = rows.length ? await choicesFor(deps, accountId) : undefined;
  return rows.map((row) => ({
    partnerId: row.id,
    name: row.name,
    shares: row.signin_claims && choices ? sharedThings(JSON.parse(row.signin_claims) as SigninClaims, choices) : [],
    pays: row.pays === 1,
    allowedAt: row.created_at,
    lastUsedAt: row.last_used_at,
  }));
}

/** Remove: everything this partner was allowed ends now (tokens, payments), and it is told. */
export async function removeAllowedApp(deps: Deps, accountId: string, partnerId: string): Promise<void> {
  if (!isPartnerId(partnerId)) throw errors.notFound();
  const ended = await inTransaction(deps, (tx) => endPartnerGrants(tx, accountId, 'customer_removed', partnerId));
  if (ended === 0) throw errors.notFound();
}

function sharedThings(claims: SigninClaims, choices: Awaited<ReturnType<typeof choicesFor>>): string[] {
  const things = ['Sign-in (an identifier only this site knows)'];
  if (claims.scopes.includes('profile')) things.push(`Your name: ${choices.name}`);
  const email = choices.emails.find((c) => c.id === claims.emailId);
  if (claims.scopes.includes('email') && email) things.push(`Email: ${email.value}`);
  const phone = choices.phones.find((c) => c.id === claims.phoneId);
  if (claims.scopes.includes('phone') && phone) things.push(`Phone: ${phone.value}`);
  const address = choices.addresses.find((a) => a.id === claims.addressId);
  if (claims.scopes.includes('address') && address) things.push(`Address: ${address.lines.join(', ')}`);
  if (claims.scopes.includes('offline_access')) things.push('Access while you are away');
  return things;
}
