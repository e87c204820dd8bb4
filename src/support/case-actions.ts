import type { Deps, RequestInfo } from '../platform/context.js';
import { errors } from '../platform/errors.js';
import { inTransaction } from '../platform/db/transaction.js';
import { recordEvent } from '../activity/audit.js';
import { openDispute, reportUnrecognisedOrder, requestReturn } from '../cases/cases.js';
import { resolveCase, type CaseDecisionInput } from '../cases/case-resolution.js';
import type { StaffMember } from '../staff/staff-guard.js';
import { requireWindow } from './window.js';
import { spendAgentAllowance } from './agent-limits.js';

/**
 * Returns, disputes and fraud reports opened or decided by an agent for a verified caller: the same functions the
 * customer's own pages and the store's case desk call (cases/), so every rule (return window, what is left to
 * return, one open case per order, refund limits) holds. The opening, the case's `opened_by_staff` and the audit
 * event are one transaction; the decision's email to the customer is the case desk's own.
 */
export type SupportCaseKind = 'return' | 'dispute' | 'fraud_report';

export interface SupportCaseRequest {
  kind: SupportCaseKind;
  order: string;
  itemId?: string;
  quantity?: number;
  reason?: string;
  details: string;
}

export async function openCaseForCustomer(deps: Deps, staff: StaffMember, accountId: string, request: SupportCaseRequest, info: RequestInfo): Promise<string> {
  const window = await requireWindow(deps, staff, accountId, 'customers.act');
  await spendAgentAllowance(deps, staff, 'action');
  // The order is looked up by number among this customer's orders only: another customer's number is "not found".
  const order = await deps.db.selectFrom('orders').select(['id', 'number']).where('account_id', '=', accountId).where('number', '=', request.order).executeTakeFirst();
  if (!order) throw errors.notFound('order');
  return inTransaction(deps, async (tx) => {
    let caseId: string;
    if (request.kind === 'return') {
      caseId = await requestReturn(tx, accountId, order.id, { itemId: request.itemId ?? '', quantity: request.quantity ?? 1, reason: request.reason ?? '', details: request.details });
    } else if (request.kind === 'dispute') {
      caseId = await openDispute(tx, accountId, order.id, { reason: request.reason ?? '', details: request.details });
    } else {
      caseId = await reportUnrecognisedOrder(tx, accountId, order.id, { details: request.details }, info);
    }
    await tx.db.updateTable('order_cases').set({ opened_by_staff: staff.id }).where('id', '=', caseId).execute();
    await recordEvent(tx.db, tx.clock, { accountId, type: 'support.case_opened', detail: { staff: staff.id, ticket: window.ticket, kind: request.kind, order: order.number } });
    return caseId;
  });
}

/** Deciding a case of this customer's (a case id of anyone else's is "not found"), with the case desk's rules. */
export async function decideCaseForCustomer(deps: Deps, staff: StaffMember, accountId: string, caseId: string, input: CaseDecisionInput): Promise<void> {
  const window = await requireWindow(deps, staff, accountId, 'customers.act');
  await spendAgentAllowance(deps, staff, 'action');
  const found = await deps.db.selectFrom('order_cases').select(['id', 'kind']).where('id', '=', caseId).where('account_id', '=', accountId).executeTakeFirst();
  if (!found) throw errors.notFound('case');
  await inTransaction(deps, async (tx) => {
    await resolveCase(tx, caseId, input);
    await recordEvent(tx.db, tx.clock, { accountId, type: 'support.case_decided', detail: { staff: staff.id, ticket: window.ticket, kind: found.kind, decision: input.decision } });
  });
}
