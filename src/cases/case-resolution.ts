import type { Kysely } from 'kysely';
import type { Deps } from '../platform/context.js';
import { isOpaqueId } from '../platform/crypto.js';
import type { Database, OrderCaseKind, OrderCaseStatus, OrderStatus } from '../platform/db/schema.js';
import { errors } from '../platform/errors.js';
import { decodeCursor, encodeCursor } from '../platform/keyset-cursor.js';
import { cleanText, type TextProblem } from '../platform/text.js';
import { canMove, illegalTransition, latestStatusTime, moveOrder } from '../orders/status.js';
import { lockOrder, refundedSoFar, type OrderRow } from '../orders/store-orders.js';
import { tellCustomerOfDecision } from './case-messages.js';
import { CASE_DECISIONS, type CaseDecision } from './case-decision.js';
import { inTransaction } from '../platform/db/transaction.js';
import { caseQuery, toStoreCase, type StoreCase } from './store-case.js';
import { announceCase } from './case-events.js';

/**
 * The shop's side of returns, disputes and fraud reports (customers open them: cases.ts). The shop works
 * through the open ones oldest first and decides each once:
 * - accepted: a return's goods are taken back, so the order becomes returned;
 * - refused: nothing changes and nothing is refunded;
 * - resolved: settled some other way (a replacement, an explanation).
 * A refund_amount (accepted or resolved) records money given back on the case; all refunds on an order together
 * never exceed its total. Only the refund that brings them to the total makes the order refunded, which is
 * final: a partial one (one item of three, a goodwill credit) leaves the order as it was, so its other items
 * can still be returned and it still counts, less the refund, in spending. The case and the order change in
 * one transaction, with the order row locked on PostgreSQL (SQLite runs one writer at a time), so two
 * decisions on one order can't both spend the same refundable amount. Deciding is a conditional update on status = 'open': a case is decided once.
 */

export interface CaseDecisionInput {
  decision: string;
  resolution: string;
  refund_amount?: number;
}

const RESOLUTION_MAX = 2000;
const RESOLUTION_PROBLEMS: Record<TextProblem, string> = {
  required: 'Say what was decided; the customer reads this.',
  too_long: `This field can be at most ${RESOLUTION_MAX} characters.`,
  invalid_characters: 'This field contains control or invisible formatting characters.',
};

export async function resolveCase(deps: Deps, caseId: string, input: CaseDecisionInput): Promise<void> {
  const decision = checkDecision(input);
  if (!isOpaqueId(caseId)) throw errors.notFound('case');
  const now = deps.clock.now();
  await inTransaction(deps, async (tx) => {
    const found = await tx.db.selectFrom('order_cases').select(['id', 'order_id', 'kind', 'status']).where('id', '=', caseId).executeTakeFirst();
    if (!found) throw errors.notFound('case');
    if (found.status !== 'open') throw errors.caseAlreadyDecided(found.status);
    let order = await lockOrder(tx.db, tx.engine, found.order_id);
    const refunded = decision.refundAmount === null ? null : await refundedWith(tx.db, order, decision.refundAmount);
    const decided = await tx.db
      .updateTable('order_cases')
      .set({ status: decision.status, resolution: decision.resolution, refund_amount: decision.refundAmount, resolved_at: now, updated_at: now })
      .where('id', '=', found.id)
      .where('status', '=', 'open')
      .executeTakeFirst();
    if (Number(decided.numUpdatedRows) !== 1) throw errors.caseAlreadyDecided('decided');
    // A return taken back makes the order returned, unless it is already there or past it (refunded).
    if (found.kind === 'return' && decision.status === 'accepted' && order.status !== 'returned' && order.status !== 'refunded') {
      order = await move(tx.db, order, 'returned', now);
    }
    if (refunded !== null) {
      // Part or all, money goes back only where a refund is a legal next step (a paid order not on its way).
      if (!canMove(order.status, 'refunded')) throw illegalTransition(order.status, 'refunded');
      if (refunded === order.total) order = await move(tx.db, order, 'refunded', now);
    }
    await tellCustomerOfDecision(tx, {
      accountId: order.account_id,
      orderId: order.id,
      orderNumber: order.number,
      kind: found.kind,
      decision: decision.status,
      resolution: decision.resolution,
      refund: decision.refundAmount === null ? null : { amount: decision.refundAmount, currency: order.currency },
    });
    await announceCase(tx, 'case.decided', found.id);
  });
}

export const CASE_KINDS: readonly OrderCaseKind[] = ['return', 'dispute', 'fraud_report'];
const CASE_STATUSES: readonly OrderCaseStatus[] = ['open', ...CASE_DECISIONS];
export const CASES_PAGE_MAX = 100;

/**
 * Cases in one status (open by default), oldest first so the shop works through them in the order customers
 * asked, by keyset: `after` names the last case of the previous page, and the (status, created_at) index serves
 * every page at the same cost.
 */
export async function listStoreCases(
  deps: Deps,
  options: { status?: string; kind?: string; after?: string; limit?: number },
): Promise<{ cases: StoreCase[]; next: string | null }> {
  const problems: Record<string, string> = {};
  const status = CASE_STATUSES.find((s) => s === (options.status ?? 'open'));
  if (!status) problems.status = `Use one of ${CASE_STATUSES.join(', ')}.`;
  const kind = options.kind === undefined ? undefined : CASE_KINDS.find((k) => k === options.kind);
  if (options.kind !== undefined && !kind) problems.kind = `Use one of ${CASE_KINDS.join(', ')}.`;
  const limit = options.limit ?? 50;
  if (!Number.isInteger(limit) || limit < 1 || limit > CASES_PAGE_MAX) problems.limit = `Use a whole number from 1 to ${CASES_PAGE_MAX}.`;
  const cursor = options.after === undefined ? undefined : decodeCursor(options.after);
  if (cursor === null) problems.after = 'This page link is not valid. Start again from the first page.';
  if (Object.keys(problems).length > 0) throw errors.invalidInput(problems);

  let query = caseQuery(deps.db).where('order_cases.status', '=', status!);
  if (kind) query = query.where('order_cases.kind', '=', kind);
  if (cursor) query = query.where((eb) => eb(eb.refTuple('order_cases.created_at', 'order_cases.id'), '>', eb.tuple(cursor.at, cursor.id)));
  const rows = await query.orderBy('order_cases.created_at').orderBy('order_cases.id').limit(limit + 1).execute();
  const page = rows.slice(0, limit).map(toStoreCase);
  const last = page[page.length - 1];
  return { cases: page, next: rows.length > limit && last ? encodeCursor({ at: last.createdAt, id: last.id }) : null };
}

/** What the order's refunds come to with this one: never more than its total (422 case.refund_too_large). */
async function refundedWith(trx: Kysely<Database>, order: OrderRow, amount: number): Promise<number> {
  const refunded = await refundedSoFar(trx, order.id);
  if (amount > order.total - refunded) throw errors.refundTooLarge(order.total - refunded);
  return refunded + amount;
}

async function move(trx: Kysely<Database>, order: OrderRow, to: OrderStatus, now: number): Promise<OrderRow> {
  if (!(await moveOrder(trx, order, to, Math.max(now, latestStatusTime(order)), now))) throw errors.orderChangedConcurrently();
  return { ...order, status: to };
}

function checkDecision(input: CaseDecisionInput): { status: CaseDecision; resolution: string; refundAmount: number | null } {
  const problems: Record<string, string> = {};
  const status = CASE_DECISIONS.find((d) => d === input.decision);
  if (!status) problems.decision = `Use one of ${CASE_DECISIONS.join(', ')}.`;
  // The customer reads this note: line breaks are fine, controls and bidi overrides are not (platform/text.ts).
  const resolution = cleanText(input.resolution, RESOLUTION_MAX, { multiline: true });
  if (typeof resolution === 'object') problems.resolution = RESOLUTION_PROBLEMS[resolution.problem];
  const refund = input.refund_amount;
  if (refund !== undefined) {
    if (!Number.isSafeInteger(refund) || refund < 1) problems.refund_amount = `Use a whole number of minor units from 1 to ${Number.MAX_SAFE_INTEGER}.`;
    else if (status === 'refused') problems.refund_amount = 'A refused case refunds nothing; leave refund_amount out.';
  }
  if (Object.keys(problems).length > 0) throw errors.invalidInput(problems);
  return { status: status!, resolution: resolution as string, refundAmount: refund ?? null };
}

