import { z } from 'zod';
import type { Deps } from '../platform/context.js';
import type { ApiRegistry } from '../platform/http/api.js';
import { ApiAnswer } from '../platform/http/api.js';
import { iso } from '../platform/format.js';
import { singleQueryValue } from '../platform/http/query.js';
import { staffSignedIn } from '../staff/staff-guard.js';
import { openCaseForCustomer, decideCaseForCustomer } from './case-actions.js';
import { markContactLost, resendVerification } from './contact-actions.js';
import { fraudView } from './fraud-view.js';
import { listStaffActions } from './actions-audit.js';

/**
 * The console's second set of routes: the remaining actions on a verified caller's account, the fraud view and
 * the staff-actions audit. Same guards and rules as api.ts; ids in paths are opaque and checked by the registry.
 */
const TAG = 'Support console';
const guards = [staffSignedIn] as const;
const ID = z.string().regex(/^[\w-]{1,64}$/);

export function registerSupportActionsApi(api: ApiRegistry, deps: Deps): void {
  // The kind is in the path and the body is empty: no field of any support route could carry a destination.
  for (const kind of ['email', 'phone'] as const) {
    api.add({
      method: 'POST', path: `/api/support/v1/customers/:id/confirmations/${kind}/resend`, tag: TAG, guards,
      summary: `Resend the confirmation code of the ${kind === 'email' ? 'email address' : 'phone number'} the customer is confirming (never to one you type).`,
      body: z.object({}).strict(),
      responses: { 200: 'Sent (masked destination)', 403: 'Caller not verified by you', 409: 'Nothing waiting to be confirmed', 429: 'Too many codes' },
      handler: async ({ staff, params, info }) => ({ sent_to: (await resendVerification(deps, staff, params.id!, kind, info)).sentTo }),
    });
  }

  api.add({
    method: 'POST', path: '/api/support/v1/customers/:id/contacts/:contact/lost', tag: TAG, guards,
    summary: 'Mark a contact on file as lost: it is removed, can no longer sign in or receive codes, and the customer is told at their other contacts.',
    body: z.object({}).strict(),
    responses: { 204: 'Removed', 403: 'Caller not verified by you', 404: 'No such contact on this customer', 409: 'The last confirmed contact (use supervised recovery)' },
    handler: async ({ staff, params }) => markContactLost(deps, staff, params.id!, params.contact!),
  });

  api.add({
    method: 'POST', path: '/api/support/v1/customers/:id/cases', tag: TAG, guards,
    summary: 'Open a return, a problem report (dispute) or a fraud report for the customer; the case records that support opened it.',
    body: z.object({
      kind: z.enum(['return', 'dispute', 'fraud_report']),
      order: z.string().max(40),
      item_id: ID.optional(),
      quantity: z.number().int().min(1).max(1000).optional(),
      reason: z.string().max(40).optional(),
      details: z.string().max(2000).default(''),
    }).strict(),
    responses: { 201: 'Opened', 400: 'Invalid request', 403: 'Caller not verified by you', 404: 'No such order of this customer', 409: 'A case is already open' },
    handler: async ({ staff, params, body, info }) => {
      const id = await openCaseForCustomer(deps, staff, params.id!, { kind: body.kind, order: body.order, itemId: body.item_id, quantity: body.quantity, reason: body.reason, details: body.details }, info);
      return new ApiAnswer(201, { case: { id } });
    },
  });

  api.add({
    method: 'POST', path: '/api/support/v1/customers/:id/cases/:case/decision', tag: TAG, guards,
    summary: 'Decide one of the customer’s open cases (accepted, refused, resolved), with what the customer reads and any refund.',
    body: z.object({ decision: z.string().max(20), resolution: z.string().max(2000), refund_amount: z.number().int().min(0).optional() }).strict(),
    responses: { 204: 'Decided', 400: 'Invalid decision', 403: 'Caller not verified by you', 404: 'No such case of this customer', 409: 'Already decided' },
    handler: async ({ staff, params, body }) => decideCaseForCustomer(deps, staff, params.id!, params.case!, body),
  });

  api.add({
    method: 'GET', path: '/api/support/v1/fraud', tag: TAG, guards,
    summary: 'Open fraud reports and disputes, accounts secured by "This wasn\'t me" lately, accounts under guessing attacks, reported suspicious messages. Masked.',
    responses: { 200: 'The four lists', 403: 'Role without fraud.view' },
    handler: async ({ staff }) => {
      const view = await fraudView(deps, staff);
      return {
        cases: view.cases.map((c) => ({ id: c.id, kind: c.kind, reason: c.reason, order: c.order, opened_by_support: c.openedBySupport, created_at: iso(c.createdAt), customer: c.customer })),
        secured: view.secured.map((s) => ({ at: iso(s.at), customer: s.customer })),
        guessing: view.guessing.map((g) => ({ failures: g.failures, blocked: g.blocked, last_at: iso(g.lastAt), scopes: g.scopes, customer: g.customer })),
        reports: view.reports.map((r) => ({ id: r.id, channel: r.channel, sender: r.sender, excerpt: r.excerpt, reference: r.reference, reference_is_ours: r.referenceIsOurs, at: iso(r.at), customer: r.customer })),
      };
    },
  });

  api.add({
    method: 'GET', path: '/api/support/v1/staff-actions', tag: TAG, guards,
    summary: 'Every support action on customers, newest first, overall or for one member of staff (?staff=ID); `before` pages on.',
    responses: { 200: 'A page of actions', 400: 'Bad page link or staff id', 403: 'Role without staff.audit' },
    handler: async ({ staff, query }) => {
      const page = await listStaffActions(deps, staff, {
        staffId: singleQueryValue(query, 'staff', { maxLength: 64 }),
        before: singleQueryValue(query, 'before', { maxLength: 200 }),
        limit: pageSize(singleQueryValue(query, 'limit', { maxLength: 3 })),
      });
      return {
        actions: page.actions.map((a) => ({ id: a.id, at: iso(a.at), type: a.type, staff: a.staffId && { id: a.staffId, name: a.staffName }, ticket: a.ticket, customer_id: a.customerId, detail: a.detail })),
        next: page.next,
      };
    },
  });
}

function pageSize(raw: string | undefined): number | undefined {
  return raw !== undefined && /^\d{1,3}$/.test(raw) ? Number(raw) : undefined;
}
