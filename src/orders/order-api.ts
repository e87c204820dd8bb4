import { z } from 'zod';
import type { Deps } from '../platform/context.js';
import type { ApiRegistry } from '../platform/http/api.js';
import { errors } from '../platform/errors.js';
import { singleQueryValue } from '../platform/http/query.js';
import { text } from '../platform/http/validation.js';
import { DISPUTE_REASONS, RETURN_REASONS } from '../cases/case-reasons.js';
import { openDispute, reportUnrecognisedOrder, requestReturn } from '../cases/cases.js';
import { listOrders, loadOrder, ORDERS_PAGE_MAX, STATUS_FILTERS } from './history.js';
import { caseJson, detailJson, recurringJson, spendingJson, summaryJson } from './order-json.js';
import { recurringPurchases } from './recurring.js';
import { spendingByMonth } from '../spending/spending.js';
import { signedIn } from '../sessions/guards.js';

/**
 * Your Orders for the customer (or the shop's own front end acting with the customer's session). Every route
 * reads or acts on the session's account only: an order id of another customer's answers 404 (ASVS 8.2.2).
 * The store's side (creating orders, answering cases) is store-api.ts, under a store key instead.
 */
const TAG = 'Orders';
const SECURE_ACCOUNT = { page: '/account/secure', api: 'POST /api/v1/account/secure' };

export function registerOrderApi(api: ApiRegistry, deps: Deps): void {
  api.add({
    method: 'GET', path: '/api/v1/orders', tag: TAG, guards: [signedIn],
    summary: `Your orders, newest first. Query: limit (1–${ORDERS_PAGE_MAX}, default 10), before (the "next" value of the previous page), year, status (${Object.keys(STATUS_FILTERS).join(', ')}), q (words from an item title).`,
    responses: { 200: 'One page of orders', 400: 'A bad filter or page link', 401: 'Not signed in' },
    handler: async ({ session, query }) => {
      const limit = queryNumber(query, 'limit');
      const page = await listOrders(deps, session.accountId, {
        limit,
        before: singleQueryValue(query, 'before'),
        year: queryNumber(query, 'year'),
        status: singleQueryValue(query, 'status'),
        search: singleQueryValue(query, 'q'),
      });
      return { orders: page.orders.map(summaryJson), next: page.next };
    },
  });

  api.add({
    method: 'GET', path: '/api/v1/orders/spending', tag: TAG, guards: [signedIn],
    summary: 'What you spent per month, per currency (never added across currencies), over the last 12 months or a calendar year (query: year). Cancelled and refunded orders are left out; a partial refund is taken off its order. An amount beyond 2^53 minor units is a string of digits.',
    responses: { 200: 'Monthly totals', 400: 'A bad year', 401: 'Not signed in' },
    handler: async ({ session, query }) => spendingJson(await spendingByMonth(deps, session.accountId, { year: queryNumber(query, 'year') })),
  });

  api.add({
    method: 'GET', path: '/api/v1/orders/recurring', tag: TAG, guards: [signedIn],
    summary: 'Things you buy regularly: the same item bought at least 3 times at about the same interval.',
    responses: { 200: 'Recurring purchases, next expected first', 401: 'Not signed in' },
    handler: async ({ session }) => ({ recurring: (await recurringPurchases(deps, session.accountId)).map(recurringJson) }),
  });

  api.add({
    method: 'GET', path: '/api/v1/orders/:id', tag: TAG, guards: [signedIn],
    summary: 'One order: items, amounts, shipping address, payment card (brand and last 4), status history, returns and disputes.',
    responses: { 200: 'The order', 401: 'Not signed in', 404: 'No such order on your account' },
    handler: async ({ session, params }) => ({ order: detailJson(deps, await loadOrder(deps, session.accountId, params.id!)) }),
  });

  api.add({
    method: 'POST', path: '/api/v1/orders/:id/returns', tag: TAG, guards: [signedIn],
    summary: `Ask to return an item of a delivered order for a refund, within ${deps.config.returnWindowDays} days of delivery. reason: ${Object.keys(RETURN_REASONS).join(', ')}; quantity: at most what you bought less what is already being returned; details: optional, up to 2000 characters.`,
    body: z.object({ item_id: text(64), quantity: z.number(), reason: text(40), details: text(8000).optional() }).strict(),
    responses: { 201: 'Return requested', 400: 'A field needs attention', 404: 'No such order on your account', 409: 'Not delivered, window closed, or a return of this item is already open' },
    handler: async ({ session, params, body }) => {
      const id = await requestReturn(deps, session.accountId, params.id!, { itemId: body.item_id, quantity: body.quantity, reason: body.reason, details: body.details ?? '' });
      return { case: await createdCase(deps, session.accountId, params.id!, id) };
    },
  });

  api.add({
    method: 'POST', path: '/api/v1/orders/:id/disputes', tag: TAG, guards: [signedIn],
    summary: `Report a problem with an order. reason: ${Object.keys(DISPUTE_REASONS).join(', ')}; details: required for "other". One open dispute per order.`,
    body: z.object({ reason: text(40), details: text(8000).optional() }).strict(),
    responses: { 201: 'Dispute opened', 400: 'A field needs attention', 404: 'No such order on your account', 409: 'A dispute is already open' },
    handler: async ({ session, params, body }) => {
      const id = await openDispute(deps, session.accountId, params.id!, { reason: body.reason, details: body.details ?? '' });
      return { case: await createdCase(deps, session.accountId, params.id!, id) };
    },
  });

  api.add({
    method: 'POST', path: '/api/v1/orders/:id/fraud-report', tag: TAG, guards: [signedIn],
    summary: '"I don\'t recognise this order": reports it to the store and flags it. Then secure the account (`next`): someone else may be using it.',
    body: z.object({ details: text(8000).optional() }).strict(),
    responses: { 201: 'Reported', 400: 'A field needs attention', 404: 'No such order on your account', 409: 'Already reported' },
    handler: async ({ session, params, body, info }) => {
      const id = await reportUnrecognisedOrder(deps, session.accountId, params.id!, { details: body.details ?? '' }, info);
      return { case: await createdCase(deps, session.accountId, params.id!, id), next: SECURE_ACCOUNT };
    },
  });
}

async function createdCase(deps: Deps, accountId: string, orderId: string, caseId: string) {
  const order = await loadOrder(deps, accountId, orderId);
  return caseJson(order.cases.find((c) => c.id === caseId)!, order.currency);
}

/** A whole number in the query string; anything else (1e3, -1, 1.5) is a 400 naming the parameter. */
function queryNumber(query: unknown, name: string): number | undefined {
  const value = singleQueryValue(query, name);
  if (value === undefined) return undefined;
  if (!/^\d{1,9}$/.test(value)) throw errors.invalidInput({ [name]: 'Use a whole number.' });
  return Number(value);
}
