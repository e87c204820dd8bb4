import type { Config } from '../config.js';
import { recordEvent } from '../activity/audit.js';
import { formatTime } from '../notify/message-layout.js';
import { DAY } from '../platform/clock.js';
import type { Deps, RequestInfo } from '../platform/context.js';
import { newSortableId } from '../platform/crypto.js';
import type { OrderCaseKind, OrderCaseTable } from '../platform/db/schema.js';
import { isUniqueViolation } from '../platform/db/unique-violation.js';
import { errors } from '../platform/errors.js';
import { FRAUD_REASON, isDisputeReason, isReturnReason } from './case-reasons.js';
import { loadOrder, type OrderDetail } from './history.js';

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

/** Returnable: delivered, not cancelled or refunded as a whole, and inside the window. */
export function canRequestReturn(deps: Deps, order: OrderDetail): boolean {
  const closesAt = returnWindowClosesAt(deps.config, order);
  return closesAt !== null && order.status !== 'cancelled' && order.status !== 'refunded' && deps.clock.now() < closesAt;
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
  const closesAt = returnWindowClosesAt(deps.config, order);
  if (closesAt === null || order.status === 'cancelled' || order.status === 'refunded') throw errors.notReturnable();
  if (deps.clock.now() >= closesAt) throw errors.returnWindowClosed(formatTime(closesAt));
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
    await deps.db.transaction().execute(async (trx) => {
      await trx.insertInto('order_cases').values(caseRow(id, now, { accountId, orderId, kind: 'fraud_report', itemId: null, quantity: null, reason: FRAUD_REASON, details })).execute();
      // The first report's time stays: it is when the customer first told us.
      await trx.updateTable('orders').set({ fraud_reported_at: now, updated_at: now }).where('id', '=', orderId).where('account_id', '=', accountId).where('fraud_reported_at', 'is', null).execute();
      await recordEvent(trx, deps.clock, { accountId, type: 'order.fraud_reported', info, detail: { order: order.number } });
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
    await deps.db.insertInto('order_cases').values(caseRow(id, now, input)).execute();
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
  };
}

// Line breaks are welcome in a description; other controls (NUL stops PostgreSQL) and the bidi overrides that
// disguise text (Trojan Source, CVE-2021-42574) are refused, not stripped, so the store reads what was typed.
const FORBIDDEN_IN_DETAILS = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u2028\u2029]|\p{Cs}/u;

function cleanDetails(raw: string): string | { problem: string } {
  const tooLong = { problem: `Use at most ${DETAILS_MAX} characters.` };
  if (raw.length > DETAILS_MAX * 4) return tooLong;
  const text = raw.normalize('NFC').replace(/\r\n?/g, '\n').trim();
  if ([...text].length > DETAILS_MAX) return tooLong;
  if (FORBIDDEN_IN_DETAILS.test(text)) return { problem: 'This contains invisible or control characters we cannot accept.' };
  return text;
}
