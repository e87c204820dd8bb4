import type { Deps, RequestInfo } from '../platform/context.js';
import { newId } from '../platform/crypto.js';
import { chargeByKey, type ChargeRow } from './charge-records.js';
import { inTransaction } from '../platform/db/transaction.js';
import { isUniqueViolation } from '../platform/db/unique-violation.js';
import { recordEvent } from '../activity/audit.js';
import { brandName, GatewayTokenError, publicDeclineReason, declineMessage } from '../wallet/gateways/gateway.js';
import { paymentGateway } from '../wallet/gateways/gateways.js';
import { findCard, cardToken } from '../wallet/cards/card-store.js';
import type { Partner } from '../partners/partners.js';
import { checkoutErrors } from './checkout-errors.js';
import { paysPartner, sessionForPermission, sessionItems, type CheckoutSessionRow } from './checkout-sessions.js';
import { completeCharge } from './charge-completion.js';

/**
 * Redeeming a charge permission. The order of the steps is the point:
 * 1. The idempotency key first: a key already used answers its charge (same body) or 409 (another body).
 * 2. The permission: this partner's, approved, not expired, the customer still lets the partner take payments.
 * 3. The reservation, in one transaction: the attempt is counted (at most MAX_ATTEMPTS, so a partner can't keep
 *    trying a declined card) and a pending charge row is inserted. The unique index on its checkout session is
 *    what makes the permission single-use: of 200 racing requests exactly one inserts, the rest are refused before
 *    the gateway is ever called. Checking "not charged yet" and charging after would let them all through.
 * 4. The gateway charge. A decline removes the pending row (only the attempt stays written) and answers 402.
 * 5. Success records the order, the receipt and the webhook event with the charge, in one transaction.
 */
export const MAX_ATTEMPTS = 3;

export interface ChargeRequest {
  permission: string;
  info: RequestInfo;
  idempotencyKey: string;
  requestHash: string;
}

export async function redeemPermission(deps: Deps, partner: Partner, request: ChargeRequest): Promise<{ charge: ChargeRow; created: boolean }> {
  const earlier = await chargeByKey(deps, partner.id, request.idempotencyKey);
  if (earlier) return { charge: replay(earlier, request.requestHash), created: false };

  const session = await sessionForPermission(deps, partner.id, request.permission);
  if (!session) throw checkoutErrors.permissionInvalid();
  await checkRedeemable(deps, session);

  const reserved = await reserve(deps, partner, session, request);
  if ('replayed' in reserved) return { charge: reserved.replayed, created: false };
  const pending = reserved.pending;

  let gatewayChargeId: string;
  let card: NonNullable<Awaited<ReturnType<typeof findCard>>>;
  try {
    const found = await findCard(deps.db, session.account_id!, session.card_id!);
    const token = await cardToken(deps.db, session.account_id!, session.card_id!);
    if (!found || !token) throw checkoutErrors.cardUnavailable();
    card = found;
    const outcome = await paymentGateway(deps.config).charge({
      token: token.token,
      amount: session.amount,
      currency: session.currency,
      // One gateway key per attempt: a retry of the same attempt can never charge twice.
      idempotencyKey: `checkout-${session.id}-${session.charge_attempts + 1}`,
    });
    if (!outcome.ok) {
      const reason = publicDeclineReason(outcome.declined);
      await recordEvent(deps.db, deps.clock, { accountId: session.account_id!, type: 'card.declined', info: request.info, detail: { brand: brandName(found.brand), partner: partner.name, reason } });
      throw checkoutErrors.cardDeclined(reason, declineMessage(outcome.declined));
    }
    gatewayChargeId = outcome.chargeId;
  } catch (error) {
    // Nothing was charged: the pending row goes, the counted attempt stays.
    await release(deps, pending.id);
    if (error instanceof GatewayTokenError) throw checkoutErrors.cardUnavailable();
    throw error;
  }
  // Charged at the gateway: from here the pending row is never released, so no failure below can lead to a second charge.
  const charge = await completeCharge(deps, { partner, session, pending, card, gatewayChargeId, items: sessionItems(session) });
  return { charge, created: true };
}

async function checkRedeemable(deps: Deps, session: CheckoutSessionRow): Promise<void> {
  if (session.status === 'charged') throw checkoutErrors.permissionUsed();
  if (session.status !== 'approved' || session.account_id === null) throw checkoutErrors.permissionInvalid();
  if (session.expires_at <= deps.clock.now()) throw checkoutErrors.permissionExpired();
  // Removed in Apps and websites since approving: the permission died with the grant.
  if (!(await paysPartner(deps, session.account_id, session.partner_id))) throw checkoutErrors.permissionRevoked();
  if (session.charge_attempts >= MAX_ATTEMPTS) throw checkoutErrors.attemptsExhausted();
}

async function reserve(deps: Deps, partner: Partner, session: CheckoutSessionRow, request: ChargeRequest): Promise<{ pending: ChargeRow } | { replayed: ChargeRow }> {
  const now = deps.clock.now();
  const pending: ChargeRow = {
    id: `ch_${newId()}`,
    partner_id: partner.id,
    checkout_session_id: session.id,
    account_id: session.account_id!,
    idempotency_key: request.idempotencyKey,
    request_hash: request.requestHash,
    status: 'pending',
    currency: session.currency,
    amount: session.amount,
    refunded: 0,
    refund_count: 0,
    card_brand: null,
    gateway_charge_id: null,
    order_id: null,
    created_at: now,
    updated_at: now,
  };
  try {
    await inTransaction(deps, async (tx) => {
      // The charge row first, the session after: the same order as completing a charge takes its locks in, so a
      // loser waiting on the unique index never holds the session row the winner needs (a PostgreSQL deadlock).
      await tx.db.insertInto('partner_charges').values(pending).execute();
      const counted = await tx.db
        .updateTable('checkout_sessions')
        .set((eb) => ({ charge_attempts: eb('charge_attempts', '+', 1) }))
        .where('id', '=', session.id)
        .where('status', '=', 'approved')
        .where('charge_attempts', '<', MAX_ATTEMPTS)
        .where('expires_at', '>', now)
        .executeTakeFirst();
      if (Number(counted.numUpdatedRows) !== 1) throw checkoutErrors.permissionUsed();
    });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    // Lost the race: to a request with the same key (answer as it would be answered), or to another charge.
    const winner = await chargeByKey(deps, partner.id, request.idempotencyKey);
    if (winner) return { replayed: replay(winner, request.requestHash) };
    throw checkoutErrors.permissionUsed();
  }
  return { pending };
}

/** A charge that did not happen leaves only its attempt behind; the key may be used again. */
async function release(deps: Deps, chargeId: string): Promise<void> {
  await deps.db.deleteFrom('partner_charges').where('id', '=', chargeId).where('status', '=', 'pending').execute();
}

function replay(earlier: ChargeRow, requestHash: string): ChargeRow {
  const refusal = replayError(earlier, requestHash);
  if (refusal) throw refusal;
  return earlier;
}

function replayError(earlier: ChargeRow, requestHash: string) {
  if (earlier.request_hash !== requestHash) return checkoutErrors.idempotencyConflict();
  if (earlier.status === 'pending') return checkoutErrors.chargeInProgress();
  return null;
}

