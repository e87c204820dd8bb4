import { z } from 'zod';
import type { Deps } from '../platform/context.js';
import type { ApiRegistry } from '../platform/http/api.js';
import { singleQueryValue } from '../platform/http/query.js';
import { text } from '../platform/http/validation.js';
import { CASE_DECISIONS } from '../cases/case-decision.js';
import { CASE_KINDS, CASES_PAGE_MAX, listStoreCases, resolveCase } from '../cases/case-resolution.js';
import { getStoreCase, storeCaseJson } from '../cases/store-case.js';
import { storeKey } from './store-key-guard.js';

/**
 * The store API's side of returns, disputes and fraud reports (registered by store-api.ts). Only a store key
 * opens these routes.
 */
const TAG = 'Store API';
const AUTH = { 401: 'Missing, unknown or revoked store key (store.key_invalid)' };

export function registerStoreCaseApi(api: ApiRegistry, deps: Deps): void {
  api.add({
    method: 'GET', path: '/api/store/v1/cases', tag: TAG, guards: [storeKey],
    summary:
      `Returns, disputes and fraud reports, oldest first. Query: status (open by default, or ${CASE_DECISIONS.join(', ')}), kind (${CASE_KINDS.join(', ')}), ` +
      `limit (1–${CASES_PAGE_MAX}, default 50), after (the "next" value of the previous page).`,
    responses: { 200: 'One page of cases', 400: 'Bad status, kind, limit or page link', ...AUTH },
    handler: async ({ query }) => {
      // Program-facing: ?status= is a bad status, not "the default" (keepEmpty).
      const read = (name: string) => singleQueryValue(query, name, { keepEmpty: true });
      const limitText = read('limit');
      const limit = limitText === undefined ? undefined : /^\d{1,4}$/.test(limitText) ? Number(limitText) : NaN;
      const page = await listStoreCases(deps, { status: read('status'), kind: read('kind'), after: read('after'), limit });
      return { cases: page.cases.map(storeCaseJson), next: page.next };
    },
  });

  api.add({
    method: 'GET', path: '/api/store/v1/cases/:id', tag: TAG, guards: [storeKey],
    summary: 'One case.',
    responses: { 200: 'The case', ...AUTH, 404: 'No case with that id' },
    handler: async ({ params }) => ({ case: storeCaseJson(await getStoreCase(deps, params.id!)) }),
  });

  api.add({
    method: 'POST', path: '/api/store/v1/cases/:id/resolve', tag: TAG, guards: [storeKey],
    summary:
      'Decide an open case once: accepted (a return is taken back: the order becomes returned), refused, or resolved; resolution is the note the customer reads. ' +
      'refund_amount (minor units, at most the order total less earlier refunds) records a refund on the case; the order becomes refunded (final) ' +
      'only when its refunds reach its total, and a partial refund leaves it as it is. A refund needs a paid order that is not on its way.',
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
      return { case: storeCaseJson(await getStoreCase(deps, params.id!)) };
    },
  });
}
