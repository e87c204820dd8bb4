import type { Deps } from '../platform/context.js';
import { newSortableId } from '../platform/crypto.js';
import { inTransaction } from '../platform/db/transaction.js';
import { isUniqueViolation } from '../platform/db/unique-violation.js';
import { paymentGateway } from '../wallet/gateways/gateways.js';
import { brandName } from '../wallet/gateways/gateway.js';
import type { Partner } from '../partners/partners.js';
import { subjectFor } from '../partners/subjects.js';
import { queueWebhookEvent } from '../webhooks/events.js';
import { checkoutErrors } from './checkout-errors.js';
import { findPartnerCharge, type ChargeRow } from './charge-records.js';
import { sendRefundReceipt } from './checkout-messages.js';
import { errors } from '../platform/errors.js';

/**
 * Refunding a partner's charge, in part or in full. The amount is *reserved* before the gateway is asked: one
 * conditional update adds it to the charge's refunded total only while the total stays within the charge, so
 * 200 racing refunds can never give back more than was paid (checking the sum first and refunding after would).
 * The refund row, unique per partner and idempotency key, is written in the same transaction. A gateway refusal
 * gives the reserved amount back and removes the row. Each refund emails the customer a receipt, so a charge takes
 * at most MAX_REFUNDS of them: a partner can't turn a $40 charge into 4,000 one-cent emails.
 */
export const MAX_REFUNDS = 20;

export interface RefundRequest {
  amount: number;
  idempotencyKey: string;
  requestHash: string;
}

export interface RefundRow {
  id: string;
  charge_id: string;
  amount: number;
  status: string;
  created_at: number;
}

export async function refundCharge(deps: Deps, partner: Partner, chargeId: string, request: RefundRequest): Promise<{ refund: RefundRow; created: boolean }> {
  const earlier = await refundByKey(deps, partner.id, request.idempotencyKey);
  if (earlier) return { refund: replay(earlier, request.requestHash), created: false };
  const charge = await findPartnerCharge(deps, partner.id, chargeId);
  if (!charge) throw errors.notFound('charge');

  const now = deps.clock.now();
  const refund = { id: `re_${newSortableId(now)}`, charge_id: charge.id, partner_id: partner.id, idempotency_key: request.idempotencyKey, request_hash: request.requestHash, status: 'pending' as const, amount: request.amount, gateway_refund_id: null, created_at: now };
  try {
    await inTransaction(deps, async (tx) => {
      const reserved = await tx.db
        .updateTable('partner_charges')
        .set((eb) => ({ refunded: eb('refunded', '+', request.amount), refund_count: eb('refund_count', '+', 1), updated_at: now }))
        .where('id', '=', charge.id)
        .where((eb) => eb(eb('refunded', '+', request.amount), '<=', eb.ref('amount')))
        .where('refund_count', '<', MAX_REFUNDS)
        .executeTakeFirst();
      if (Number(reserved.numUpdatedRows) !== 1) throw await refusal(tx, charge.id);
      await tx.db.insertInto('partner_refunds').values(refund).execute();
    });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const winner = await refundByKey(deps, partner.id, request.idempotencyKey);
    if (!winner) throw error;
    return { refund: replay(winner, request.requestHash), created: false };
  }

  const outcome = await paymentGateway(deps.config).refund({ chargeId: charge.gateway_charge_id!, amount: request.amount }).catch(() => null);
  if (!outcome?.ok) {
    await inTransaction(deps, async (tx) => {
      await tx.db.deleteFrom('partner_refunds').where('id', '=', refund.id).execute();
      await tx.db.updateTable('partner_charges').set((eb) => ({ refunded: eb('refunded', '-', request.amount), refund_count: eb('refund_count', '-', 1) })).where('id', '=', charge.id).execute();
    });
    throw checkoutErrors.refundFailed();
  }
  await recordRefund(deps, partner, charge, { ...refund, gatewayRefundId: outcome.refundId });
  return { refund: { ...refund, status: 'succeeded' }, created: true };
}

/** The refund done: its row, the charge's and the order's status, the receipt and `charge.refunded`, together. */
async function recordRefund(deps: Deps, partner: Partner, charge: ChargeRow, refund: { id: string; amount: number; gatewayRefundId: string }): Promise<void> {
  await inTransaction(deps, async (tx) => {
    const now = tx.clock.now();
    await tx.db.updateTable('partner_refunds').set({ status: 'succeeded', gateway_refund_id: refund.gatewayRefundId }).where('id', '=', refund.id).execute();
    const { refunded } = await tx.db.selectFrom('partner_charges').select('refunded').where('id', '=', charge.id).executeTakeFirstOrThrow();
    const full = Number(refunded) >= charge.amount;
    await tx.db.updateTable('partner_charges').set({ status: full ? 'refunded' : 'partially_refunded', updated_at: now }).where('id', '=', charge.id).execute();
    const orderChange = full ? { status: 'refunded' as const, refunded_at: now } : {};
    await tx.db.updateTable('orders').set({ partner_refunded: Number(refunded), ...orderChange, updated_at: now }).where('id', '=', charge.order_id!).execute();
    const order = await tx.db.selectFrom('orders').select(['id', 'number']).where('id', '=', charge.order_id!).executeTakeFirstOrThrow();
    await sendRefundReceipt(tx, { accountId: charge.account_id, partnerName: partner.name, orderId: order.id, orderNumber: order.number, amount: charge.amount, currency: charge.currency, cardBrand: brandName(charge.card_brand ?? ''), refunded: refund.amount });
    const sub = await subjectFor(tx, partner.id, charge.account_id);
    const money = { amount: refund.amount, currency: charge.currency, refunded_total: Number(refunded) };
    await queueWebhookEvent(tx, {
      type: 'charge.refunded',
      data: { charge_id: charge.id, refund_id: refund.id, partner_id: partner.id, account_id: charge.account_id, order_number: order.number, ...money },
      partner: { id: partner.id, data: { charge_id: charge.id, refund_id: refund.id, sub, order_number: order.number, ...money } },
    });
  });
}

async function refusal(deps: Pick<Deps, 'db'>, chargeId: string) {
  const row = await deps.db.selectFrom('partner_charges').select(['amount', 'refunded', 'refund_count']).where('id', '=', chargeId).executeTakeFirstOrThrow();
  return row.refund_count >= MAX_REFUNDS ? checkoutErrors.tooManyRefunds(MAX_REFUNDS) : checkoutErrors.refundTooLarge(Number(row.amount) - Number(row.refunded));
}

function replay(earlier: RefundRow & { request_hash: string }, requestHash: string): RefundRow {
  if (earlier.request_hash !== requestHash) throw checkoutErrors.idempotencyConflict();
  if (earlier.status === 'pending') throw checkoutErrors.chargeInProgress();
  return earlier;
}

function refundByKey(deps: Pick<Deps, 'db'>, partnerId: string, key: string) {
  return deps.db.selectFrom('partner_refunds').selectAll().where('partner_id', '=', partnerId).where('idempotency_key', '=', key).executeTakeFirst();
}

/** A charge's refunds, oldest first, for the partner's GET. */
export function listRefunds(deps: Pick<Deps, 'db'>, chargeId: string) {
  return deps.db.selectFrom('partner_refunds').select(['id', 'amount', 'status', 'created_at']).where('charge_id', '=', chargeId).where('status', '=', 'succeeded').orderBy('created_at').orderBy('id').execute();
}
