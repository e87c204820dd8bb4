import { z } from 'zod';
import { iso } from '../accounts/api.js';
import { identifierMessages, isProblem, parseEmail, parsePhone } from '../accounts/identifiers.js';
import type { Deps } from '../platform/context.js';
import type { ApiRegistry } from '../platform/http/api.js';
import { text } from '../platform/http/validation.js';
import { errors } from '../platform/errors.js';
import { toAddressFields } from '../wallet/postal-address.js';
import { CASE_DECISIONS, CASE_KINDS, CASES_PAGE_MAX, getStoreCase, listStoreCases, resolveCase, type StoreCase } from './case-resolution.js';
import { customerFacts } from './customer-facts.js';

/**
 * The store API's customer lookup and its side of returns, disputes and fraud reports (registered by
 * store-api.ts). Only a store key opens these routes.
 */
const TAG = 'Store API';
const AUTH = { 401: 'Missing, unknown or revoked store key (store.key_invalid)' };

export function registerStoreCaseApi(api: ApiRegistry, deps: Deps): void {
  api.add({
    method: 'GET', path: '/api/store/v1/customers', tag: TAG, guards: ['store-key'],
    summary:
      'Look up a customer by ?email= or ?phone= (verified identifiers only) for checkout: name, saved cards as masked facts (brand, last 4, expiry and whether it is valid, expires_soon or expired; ' +
      'never a token), default first, and the default shipping address. The internal account id is not exposed.',
    responses: { 200: 'The customer', 400: 'Neither or both of email and phone, or not a valid one', ...AUTH, 404: 'No customer with that identifier' },
    handler: async ({ query }) => {
      const email = queryText(query, 'email');
      const phone = queryText(query, 'phone');
      if ((email === undefined) === (phone === undefined)) throw errors.invalidInput({ email: 'Send exactly one of email or phone.' });
      const identifier = email !== undefined ? parseEmail(email) : parsePhone(phone!, deps.config.defaultPhoneRegion);
      if (isProblem(identifier)) {
        throw errors.invalidInput(email !== undefined ? { email: identifierMessages.email_invalid } : { phone: identifierMessages.phone_invalid });
      }
      const facts = await customerFacts(deps, identifier);
      return {
        customer: {
          name: facts.name,
          cards: facts.cards.map((c) => ({ id: c.id, brand: c.brand, last4: c.last4, exp_month: c.expMonth, exp_year: c.expYear, expiry: c.expiry, is_default: c.isDefault })),
          default_shipping_address: facts.defaultShippingAddress && toAddressFields(facts.defaultShippingAddress),
        },
      };
    },
  });

  api.add({
    method: 'GET', path: '/api/store/v1/cases', tag: TAG, guards: ['store-key'],
    summary:
      `Returns, disputes and fraud reports, oldest first. Query: status (open by default, or ${CASE_DECISIONS.join(', ')}), kind (${CASE_KINDS.join(', ')}), ` +
      `limit (1–${CASES_PAGE_MAX}, default 50), after (the "next" value of the previous page).`,
    responses: { 200: 'One page of cases', 400: 'Bad status, kind, limit or page link', ...AUTH },
    handler: async ({ query }) => {
      const limitText = queryText(query, 'limit');
      const limit = limitText === undefined ? undefined : /^\d{1,4}$/.test(limitText) ? Number(limitText) : NaN;
      const page = await listStoreCases(deps, { status: queryText(query, 'status'), kind: queryText(query, 'kind'), after: queryText(query, 'after'), limit });
      return { cases: page.cases.map(caseJson), next: page.next };
    },
  });

  api.add({
    method: 'GET', path: '/api/store/v1/cases/:id', tag: TAG, guards: ['store-key'],
    summary: 'One case.',
    responses: { 200: 'The case', ...AUTH, 404: 'No case with that id' },
    handler: async ({ params }) => ({ case: caseJson(await getStoreCase(deps, params.id!)) }),
  });

  api.add({
    method: 'POST', path: '/api/store/v1/cases/:id/resolve', tag: TAG, guards: ['store-key'],
    summary:
      'Decide an open case once: accepted (a return is taken back: the order becomes returned), refused, or resolved; resolution is the note the customer reads. ' +
      'refund_amount (minor units, at most the order total less earlier refunds) records a refund and makes the order refunded.',
    body: z.object({ decision: text(100), resolution: text(10_000), refund_amount: z.number().optional() }).strict(),
    responses: {
      200: 'The decided case',
      400: 'Invalid fields',
      ...AUTH,
      404: 'No case with that id',
      409: 'Already decided (case.already_decided), or the order cannot move that way (order.illegal_transition)',
      422: 'Refund larger than what is left to refund (case.refund_too_large)',
    },
    handler: async ({ params, body }) => {
      await resolveCase(deps, params.id!, body);
      return { case: caseJson(await getStoreCase(deps, params.id!)) };
    },
  });
}

/** One value of a query parameter; a repeated parameter (?a=1&a=2) is a mistake, not a list. */
function queryText(query: Record<string, unknown>, name: string): string | undefined {
  const value = query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length > 1000) throw errors.invalidInput({ [name]: 'Send this parameter once, as text.' });
  return value;
}

function caseJson(c: StoreCase) {
  return {
    id: c.id,
    kind: c.kind,
    status: c.status,
    order: c.order,
    item: c.item,
    quantity: c.quantity,
    reason: c.reason,
    details: c.details,
    resolution: c.resolution,
    refund_amount: c.refundAmount,
    created_at: iso(c.createdAt),
    resolved_at: c.resolvedAt === null ? null : iso(c.resolvedAt),
  };
}
