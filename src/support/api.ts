import { z } from 'zod';
import type { Deps } from '../platform/context.js';
import type { ApiRegistry } from '../platform/http/api.js';
import { ApiAnswer } from '../platform/http/api.js';
import { iso } from '../platform/format.js';
import { singleQueryValue } from '../platform/http/query.js';
import { errors } from '../platform/errors.js';
import { staffSignedIn } from '../staff/staff-guard.js';
import { searchCustomers } from './search.js';
import { checkSecondSignal, confirmCallerCheck, startCallerCheck } from './caller-check.js';
import { viewCustomer } from './customer-view.js';
import { addNote, endCustomerSessions, lockCustomer } from './actions.js';
import { registerSupportActionsApi } from './api-actions.js';

/**
 * The support console's JSON API, for staff only (a customer's session or token passes none of these guards).
 * No route takes an email address or phone number to send to: a check names a contact on file by its id.
 */
const TAG = 'Support console';
const guards = [staffSignedIn] as const;

export function registerSupportApi(api: ApiRegistry, deps: Deps): void {
  api.add({
    method: 'GET', path: '/api/support/v1/customers', tag: TAG, guards,
    summary: 'Find a customer by email, phone (any format) or order number. Masked until you have checked the caller.',
    responses: { 200: 'Matching customers (none or one)', 400: 'Not an email, phone or order number', 429: 'Hourly search limit' },
    handler: async ({ staff, query }) => {
      const q = singleQueryValue(query, 'q', { maxLength: 254 });
      if (!q) throw errors.invalidInput({ q: 'Type an email address, a phone number or an order number.' });
      const found = await searchCustomers(deps, staff, q);
      return { searched_by: found.kind, customers: found.customers.map((c) => ({ id: c.id, name: c.name, status: c.status, caller_verified: c.verified, contacts: c.contacts })) };
    },
  });

  api.add({
    method: 'POST', path: '/api/support/v1/customers/:id/checks', tag: TAG, guards,
    summary: 'Send a one-time code to a contact on file (by its id), for the caller to read back.',
    body: z.object({ identifier_id: z.string().regex(/^[\w-]{1,64}$/), ticket: z.string().max(200) }).strict(),
    responses: { 201: 'Code sent', 404: 'No such contact on this customer', 429: 'Message budget spent' },
    handler: async ({ staff, params, body, info }) => {
      const started = await startCallerCheck(deps, staff, { accountId: params.id!, identifierId: body.identifier_id, ticket: body.ticket, info });
      return new ApiAnswer(201, { check: { id: started.challengeId, channel: started.channel, sent_to: started.sentTo, expires_at: iso(started.expiresAt) } });
    },
  });

  api.add({
    method: 'POST', path: '/api/support/v1/checks/:id/confirm', tag: TAG, guards,
    summary: 'Type the code the caller read back; a match opens a 15-minute window for you on this customer.',
    body: z.object({ code: z.string().max(20) }).strict(),
    responses: { 200: 'Caller verified', 400: 'Wrong code', 404: 'No such check of yours', 410: 'Expired or used', 429: 'Too many wrong codes' },
    handler: async ({ staff, params, body, info }) => {
      const window = await confirmCallerCheck(deps, staff, { challengeId: params.id!, code: body.code, info });
      return { window: { customer_id: window.accountId, ticket: window.ticket, expires_at: iso(window.expiresAt) } };
    },
  });

  api.add({
    method: 'POST', path: '/api/support/v1/checks/:id/second-signal', tag: TAG, guards,
    summary: 'Compare a postcode or an order amount the caller says with the account: match or no match only.',
    body: z.object({ kind: z.enum(['postcode', 'order_amount']), value: z.string().max(40) }).strict(),
    responses: { 200: 'Match or not', 404: 'No such check of yours', 429: 'Too many comparisons' },
    handler: async ({ staff, params, body }) => ({ match: await checkSecondSignal(deps, staff, { challengeId: params.id!, kind: body.kind, value: body.value }) }),
  });

  api.add({
    method: 'GET', path: '/api/support/v1/customers/:id', tag: TAG, guards,
    summary: 'The customer, inside your verified-caller window: contacts, cards (brand and expiry state), orders, cases, sessions, activity, notes.',
    responses: { 200: 'The customer', 403: 'Caller not verified by you' },
    handler: async ({ staff, params }) => {
      const r = await viewCustomer(deps, staff, params.id!);
      return {
        customer: {
          id: r.id,
          name: r.name,
          status: r.status,
          ticket: r.ticket,
          window_expires_at: iso(r.windowExpiresAt),
          contacts: r.contacts,
          cards: r.cards.map((c) => ({ brand: c.brand, expiry: c.expiry, is_default: c.isDefault })),
          orders: r.orders.map((o) => ({ number: o.number, status: o.status, currency: o.currency, total: o.total, item_count: o.itemCount, placed_at: iso(o.placedAt) })),
          cases: r.cases.map((c) => ({ id: c.id, kind: c.kind, status: c.status, reason: c.reason, order: c.order, created_at: iso(c.createdAt) })),
          sessions: r.sessions.map((s) => ({ device: s.device, place: s.place, started_at: iso(s.startedAt), last_used_at: iso(s.lastUsedAt) })),
          activity: r.activity.map((a) => ({ at: iso(a.at), description: a.description, outcome: a.outcome, method: a.method, place: a.place, device: a.device })),
          notes: r.notes.map((n) => ({ by: n.staffName, ticket: n.ticket, text: n.text, created_at: iso(n.createdAt) })),
        },
      };
    },
  });

  api.add({
    method: 'POST', path: '/api/support/v1/customers/:id/end-sessions', tag: TAG, guards,
    summary: 'Sign the customer out everywhere.',
    body: z.object({}).strict(),
    responses: { 200: 'How many sessions ended', 403: 'Caller not verified by you' },
    handler: async ({ staff, params }) => ({ ended_sessions: await endCustomerSessions(deps, staff, params.id!) }),
  });

  for (const lock of [true, false]) {
    api.add({
      method: 'POST', path: `/api/support/v1/customers/:id/${lock ? 'lock' : 'unlock'}`, tag: TAG, guards,
      summary: lock ? 'Lock the account: its sessions stop at once and nobody can sign in.' : 'Unlock the account.',
      body: z.object({}).strict(),
      responses: { 204: lock ? 'Locked' : 'Unlocked', 403: 'Caller not verified by you', 409: lock ? 'Not active' : 'Not locked' },
      handler: async ({ staff, params }) => lockCustomer(deps, staff, params.id!, lock),
    });
  }

  api.add({
    method: 'POST', path: '/api/support/v1/customers/:id/notes', tag: TAG, guards,
    summary: 'Add a note to the customer, filed under the window’s ticket.',
    body: z.object({ text: z.string().max(8000) }).strict(),
    responses: { 204: 'Added', 400: 'Empty or too long', 403: 'Caller not verified by you' },
    handler: async ({ staff, params, body }) => addNote(deps, staff, params.id!, body.text),
  });

  registerSupportActionsApi(api, deps);
}
