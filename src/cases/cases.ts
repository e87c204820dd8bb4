import type { Config } from '../config.js';
import { recordEvent } from '../activity/audit.js';
import { formatTime } from '../platform/format.js';
import { DAY } from '../platform/clock.js';
import type { Deps, RequestInfo } from '../platform/context.js';
import { newSortableId } from '../platform/crypto.js';
import type { OrderCaseKind, OrderCaseTable } from '../platform/db/schema.js';
import { isUniqueViolation } from '../platform/db/unique-violation.js';
import { errors, type AppError } from '../platform/errors.js';
import { cleanText } from '../platform/text.js';
import { FRAUD_REASON, isDisputeReason, isReturnReason } from './case-reasons.js';
import { loadOrder, type OrderDetail } from '../orders/history.js';
import { markFraudReported } from '../orders/store-orders.js';
import { inTransaction } from '../platform/db/transaction.js';
import { announceCase } from './case-events.js';

/**
 * The customer's side of returns, disputes and "I don't recognise this order". Each is a row in order_cases
 * that the store reads and answers through its API. The partial unique index order_cases_open_unique allows
 * one open case of a kind per item (returns) or per order (disputes, fraud reports): a double click or two tabs
 * race into the index, and the loser is told it already has one, rather than checking first and hoping.
 */
export const DETAILS_MAX = 2000;

/** When the return window of a delivered order closes: RETURN_WINDOW_DAYS after delivery, to the millisecond. */
export function returnWindowClosesAt(config: Config, order: Pick<OrderDetail, 'history'>): number | null {
  const delivered = order.history.find((event) => event.status === 'delivered');
  return delivered ? delivered.at + config.returnWindowDays * DAY : null;
}

/**
 * Why the order's items can't be returned now, or null when they can: it must be delivered, not cancelled or
 * refunded in full (a partial refund leaves the other items returnable), and inside the window. The one rule
 * behind the button, the return page and the request itself.
 */
export function returnRefusal(deps: Deps, order: Pick<OrderDetail, 'status' | 'history'>): AppError | null {
  if (order.status === 'cancelled' || order.status === 'refunded') return errors.orderClosedToReturns(order.status);
  const closesAt = returnWindowClosesAt(deps.config, order);
  if (closesAt === null) return errors.notReturnable();
  if (deps.clock.now() >= closesAt) return errors.returnWindowClosed(formatTime(closesAt));
  return null;
}

export function canRequestReturn(deps: Deps, order: Pick<OrderDetail, 'status' | 'history'>): boolean {
  return returnRefusal(deps, order) === null;
}

export interface ReturnRequest {
  itemId: string;
  quantity: number;
  reason: string;
  details: string;
}

export async function requestReturn(deps: Deps, accountId: string, orderId: string, request: ReturnRequest): Promise<string> {
  const problems: Record<string, string> = {};
  if (!isReturnReason(request.reason)) problems.reason = 'Choose why you are returning it.';
  const details = cleanDetails(request.details);
  if (typeof details === 'object') problems.details = details.problem;
  if (!Number.isSafeInteger(request.quantity) || request.quantity < 1) problems.quantity = 'Enter how many you are returning: 1 or more.';
  if (Object.keys(problems).length > 0) throw errors.invalidInput(problems);

  const order = await loadOrder(deps, accountId, orderId);
  const item = order.items.find((candidate) => candidate.id === request.itemId);
  if (!item) throw errors.invalidInput({ item_id: 'Choose an item from this order.' });
  const refusal = returnRefusal(deps, order);
  if (refusal) throw refusal;
  const left = item.quantity - item.inReturns;
  if (left <= 0) throw errors.nothingLeftToReturn();
  if (request.quantity > left) {
    throw errors.invalidInput({ quantity: left === 1 ? 'You can return 1 of this item.' : `You can return up to ${left} of this item.` });
  }
  return openCase(deps, { accountId, orderId, kind: 'return', itemId: item.id, quantity: request.quantity, reason: request.reason, details: details as string }, 'return request for this item');
}

export async function openDispute(deps: Deps, accountId: string, orderId: string, request: { reason: string; details: string }): Promise<string> {
  const problems: Record<string, string> = {};
  if (!isDisputeReason(request.reason)) problems.reason = 'Choose what went wrong.';
  const details = cleanDetails(request.details);
  if (typeof details === 'object') problems.details = details.problem;
  else if (request.reason === 'other' && !details) problems.details = 'Tell us what went wrong.';
  if (Object.keys(problems).length > 0) throw errors.invalidInput(problems);
  await loadOrder(deps, accountId, orderId);
  return openCase(deps, { accountId, orderId, kind: 'dispute', itemId: null, quantity: null, reason: request.reason, details: details as string }, 'problem report for this order');
}

/**
 * "I don't recognise this order": the report (which the store sees as a case), the flag on the order and the
 * audit event are one transaction, so none exists without the others. The caller then takes the customer to
 * the secure-my-account path (recovery/secure-account.ts): an order they didn't place may mean someone else
 * is signed in as them.
 */
export async function reportUnrecognisedOrder(deps: Deps, accountId: string, orderId: string, request: { details: string }, info: RequestInfo): Promise<string> {
  const details = cleanDetails(request.details);
  if (typeof details === 'object') throw errors.invalidInput({ details: details.problem });
  const order = await loadOrder(deps, accountId, orderId);
  const now = deps.clock.now();
  const id = newSortableId(now);
  try {
    await inTransaction(deps, async (tx) => {
      await tx.db.insertInto('order_cases').values(caseRow(id, now, { accountId, orderId, kind: 'fraud_report', itemId: null, quantity: null, reason: FRAUD_REASON, details })).execute();
      await markFraudReported(tx.db, accountId, orderId, now);
      await recordEvent(tx.db, tx.clock, { accountId, type: 'order.fraud_reported', info, detail: { order: order.number } });
      await announceCase(tx, 'case.opened', id);
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw errors.caseAlreadyOpen('report about this order');
    throw error;
  }
  return id;
}

interface NewCase {
  accountId: string;
  orderId: string;
  kind: OrderCaseKind;
  itemId: string | null;
  quantity: number | null;
  reason: string;
  details: string;
}

async function openCase(deps: Deps, input: NewCase, what: string): Promise<string> {
  const now = deps.clock.now();
  const id = newSortableId(now);
  try {
    await inTransaction(deps, async (tx) => {
      await tx.db.insertInto('order_cases').values(caseRow(id, now, input)).execute();
      await announceCase(tx, 'case.opened', id);
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw errors.caseAlreadyOpen(what);
    throw error;
  }
  return id;
}

function caseRow(id: string, now: number, input: NewCase): OrderCaseTable {
  return {
    id,
    order_id: input.orderId,
    account_id: input.accountId,
    kind: input.kind,
    item_id: input.itemId,
    quantity: input.quantity,
    reason: input.reason,
    details: input.details,
    status: 'open',
    resolution: null,
    refund_amount: null,
    created_at: now,
    updated_at: now,
    resolved_at: null,
    opened_by_staff: null,
  };
}

/** A description is optional: empty is ''. Line breaks stay; controls and bidi overrides are refused (platform/text.ts). */
function cleanDetails(raw: string): string | { problem: string } {
  const cleaned = cleanText(raw, DETAILS_MAX, { multiline: true });
  if (typeof cleaned === 'string') return cleaned;
  if (cleaned.problem === 'required') return '';
  return { problem: cleaned.problem === 'too_long' ? `Use at most ${DETAILS_MAX} characters.` : 'This contains invisible or control characters we cannot accept.' };
}
