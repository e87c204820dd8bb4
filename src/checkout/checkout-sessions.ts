import { sql, type Selectable } from 'kysely';
import type { Deps } from '../platform/context.js';
import { MINUTE } from '../platform/clock.js';
import { isOpaqueId, newId, randomToken, sha256 } from '../platform/crypto.js';
import type { CheckoutSessionTable, CheckoutStatus } from '../platform/db/schema.js';
import { errors } from '../platform/errors.js';
import { inTransaction } from '../platform/db/transaction.js';
import type { Partner } from '../partners/partners.js';
import type { CheckoutDraft, CheckoutItem } from './checkout-request.js';
import { checkoutErrors } from './checkout-errors.js';

/**
 * A checkout session is a flow (STYLE.md "Flows are data"): a partner opens it, one customer approves or declines
 * it, and the partner reads the outcome. Each step is one conditional update on the state it expects, so two
 * customers (or two tabs) approving at once can't both win, and an expired session can't be moved at all.
 *
 *   open ──approve──▶ approved ──charge──▶ charged
 *     └───decline──▶ declined
 *
 * A session is open for 30 minutes; an approval gives the partner another 30 to redeem the charge permission.
 */
export const SESSION_TTL_MS = 30 * MINUTE;
export const PERMISSION_TTL_MS = 30 * MINUTE;
const PERMISSION_PREFIX = 'cpp_';

export type CheckoutSessionRow = Selectable<CheckoutSessionTable>;

/** What the partner and the pay page see: the stored state, with "expired" for a session whose time ran out. */
export type CheckoutView = CheckoutStatus | 'expired';

export function viewStatus(session: CheckoutSessionRow, now: number): CheckoutView {
  if ((session.status === 'open' || session.status === 'approved') && session.expires_at <= now) return 'expired';
  return session.status;
}

export function sessionItems(session: CheckoutSessionRow): CheckoutItem[] {
  return JSON.parse(session.items) as CheckoutItem[];
}

export async function createCheckoutSession(deps: Pick<Deps, 'db' | 'clock'>, partner: Partner, draft: CheckoutDraft): Promise<CheckoutSessionRow> {
  const now = deps.clock.now();
  const row: CheckoutSessionRow = {
    id: newId(),
    partner_id: partner.id,
    account_id: null,
    status: 'open',
    currency: draft.currency,
    amount: draft.amount,
    items: JSON.stringify(draft.items),
    return_url: draft.returnUrl,
    card_id: null,
    shipping_address: null,
    permission_hash: null,
    permission_issued_at: null,
    charge_attempts: 0,
    created_at: now,
    expires_at: now + SESSION_TTL_MS,
    decided_at: null,
  };
  await deps.db.insertInto('checkout_sessions').values(row).execute();
  return row;
}

/** A session as the partner that opened it sees it; any other partner's session answers 404 (ASVS 8.2.2). */
export async function findPartnerSession(deps: Pick<Deps, 'db'>, partnerId: string, id: string): Promise<CheckoutSessionRow> {
  const row = isOpaqueId(id)
    ? await deps.db.selectFrom('checkout_sessions').selectAll().where('id', '=', id).where('partner_id', '=', partnerId).executeTakeFirst()
    : undefined;
  if (!row) throw errors.notFound('checkout session');
  return row;
}

/**
 * A session as a customer sees it: open ones (anyone with the link may look, as at any shop's checkout), or
 * one this customer already decided. A session another customer decided answers exactly like an unknown id.
 */
export async function findCustomerSession(deps: Pick<Deps, 'db'>, accountId: string, id: string): Promise<CheckoutSessionRow> {
  const row = isOpaqueId(id) ? await deps.db.selectFrom('checkout_sessions').selectAll().where('id', '=', id).executeTakeFirst() : undefined;
  if (!row || (row.account_id !== null && row.account_id !== accountId)) throw errors.notFound('checkout');
  return row;
}

export interface Approval {
  accountId: string;
  cardId: string;
  /** The address snapshot (orders keep the address as it was when bought). */
  shippingAddress: string;
}

/**
 * Binds the session to the customer who approved it and remembers that they pay this partner: one conditional
 * update from open (not expired, not bound), and the customer's grant row upserted in the same transaction.
 * A grant the customer had removed comes back for paying only: what they had shared on sign-in stays removed.
 */
export async function approveSession(deps: Deps, session: CheckoutSessionRow, approval: Approval): Promise<void> {
  await inTransaction(deps, async (tx) => {
    const now = tx.clock.now();
    const moved = await tx.db
      .updateTable('checkout_sessions')
      .set({ status: 'approved', account_id: approval.accountId, card_id: approval.cardId, shipping_address: approval.shippingAddress, decided_at: now, expires_at: now + PERMISSION_TTL_MS })
      .where('id', '=', session.id)
      .where('status', '=', 'open')
      .where('account_id', 'is', null)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    if (Number(moved.numUpdatedRows) !== 1) throw await refusalFor(tx, session.id);
    await tx.db
      .insertInto('partner_grants')
      .values({ id: newId(), account_id: approval.accountId, partner_id: session.partner_id, signin_claims: null, oidc_grant_id: null, pays: 1, created_at: now, last_used_at: now, revoked_at: null })
      .onConflict((conflict) =>
        conflict.columns(['account_id', 'partner_id']).doUpdateSet({
          pays: 1,
          last_used_at: now,
          signin_claims: sql`case when partner_grants.revoked_at is null then partner_grants.signin_claims else null end`,
          oidc_grant_id: sql`case when partner_grants.revoked_at is null then partner_grants.oidc_grant_id else null end`,
          revoked_at: null,
        }),
      )
      .execute();
  });
}

/** The customer said no: the partner learns only that, on the same return path. */
export async function declineSession(deps: Pick<Deps, 'db' | 'clock'>, session: CheckoutSessionRow, accountId: string): Promise<void> {
  const now = deps.clock.now();
  const moved = await deps.db
    .updateTable('checkout_sessions')
    .set({ status: 'declined', account_id: accountId, decided_at: now })
    .where('id', '=', session.id)
    .where('status', '=', 'open')
    .where('account_id', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  if (Number(moved.numUpdatedRows) !== 1) throw await refusalFor(deps, session.id);
}

async function refusalFor(deps: Pick<Deps, 'db' | 'clock'>, id: string) {
  const row = await deps.db.selectFrom('checkout_sessions').select(['status', 'expires_at']).where('id', '=', id).executeTakeFirst();
  return row && row.status === 'open' && row.expires_at <= deps.clock.now() ? checkoutErrors.sessionExpired() : checkoutErrors.sessionClosed();
}

/** Whether this customer pays this partner already (a live grant with pays = 1): if not, approval asks for a fresh confirmation. */
export async function paysPartner(deps: Pick<Deps, 'db'>, accountId: string, partnerId: string): Promise<boolean> {
  const grant = await deps.db
    .selectFrom('partner_grants')
    .select('id')
    .where('account_id', '=', accountId)
    .where('partner_id', '=', partnerId)
    .where('pays', '=', 1)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return grant !== undefined;
}

/**
 * The charge permission, issued once: the first read of an approved session after approval claims the slot with
 * a conditional update and shows the permission; the database keeps only its SHA-256. Later reads show null, so
 * a permission copied from a log of a later response is never a live one. 256 random bits, never in a URL.
 */
export async function issuePermission(deps: Pick<Deps, 'db' | 'clock' | 'random'>, session: CheckoutSessionRow): Promise<string | null> {
  const now = deps.clock.now();
  if (session.status !== 'approved' || session.permission_hash !== null || session.expires_at <= now) return null;
  const secret = randomToken(deps.random);
  const claimed = await deps.db
    .updateTable('checkout_sessions')
    .set({ permission_hash: sha256(secret), permission_issued_at: now })
    .where('id', '=', session.id)
    .where('status', '=', 'approved')
    .where('permission_hash', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return Number(claimed.numUpdatedRows) === 1 ? `${PERMISSION_PREFIX}${secret}` : null;
}

/** The session a presented permission belongs to, for this partner only; null for anything not issued to it. */
export async function sessionForPermission(deps: Pick<Deps, 'db'>, partnerId: string, permission: string): Promise<CheckoutSessionRow | null> {
  if (!permission.startsWith(PERMISSION_PREFIX) || !isOpaqueId(permission.slice(PERMISSION_PREFIX.length))) return null;
  const row = await deps.db
    .selectFrom('checkout_sessions')
    .selectAll()
    .where('permission_hash', '=', sha256(permission.slice(PERMISSION_PREFIX.length)))
    .where('partner_id', '=', partnerId)
    .executeTakeFirst();
  return row ?? null;
}
