import { z } from 'zod';
import type { Deps } from '../platform/context.js';
import { ApiAnswer, type ApiRegistry } from '../platform/http/api.js';
import { errors } from '../platform/errors.js';
import type { FastifyRequest } from 'fastify';
import { isIdempotencyKey, requestHash } from '../orders/idempotency.js';
import { partnerClient } from '../partners/partner-guard.js';
import { checkCheckoutRequest, checkoutSessionSchema, MAX_AMOUNT, MAX_ITEMS, wholeAmount } from './checkout-request.js';
import { createCheckoutSession, findPartnerSession, issuePermission } from './checkout-sessions.js';
import { chargeJson, sessionJson } from './checkout-json.js';
import { MAX_ATTEMPTS, redeemPermission } from './charges.js';
import { findPartnerCharge } from './charge-records.js';
import { refundCharge } from './refunds.js';

/**
 * "Pay with" for partner sites (/api/partner/v1), by the partner's client credentials only (HTTP Basic). Every
 * session and charge is looked up together with the partner that made it: another partner's id answers 404.
 * Charges and refunds are idempotent by the Idempotency-Key header, as the store API's orders are.
 */
const TAG = 'Partners';
const AUTH = { 401: 'Missing or wrong client credentials (partner.credentials_invalid)' };
const BASE = '/api/partner/v1';

export function registerCheckoutApi(api: ApiRegistry, deps: Deps): void {
  api.add({
    method: 'POST', path: `${BASE}/checkout-sessions`, tag: TAG, guards: [partnerClient],
    summary:
      `Open a checkout: amount (integer minor units, exactly the sum of quantity × unit_amount), currency (ISO 4217), 1–${MAX_ITEMS} items ` +
      '{ name, quantity, unit_amount }, and return_url on the origin of one of your redirect URIs. Send the customer to `url`; they come back to ' +
      'return_url with ?checkout_session=<id> only. The session expires after 30 minutes.',
    body: checkoutSessionSchema,
    responses: { 201: 'Checkout opened', 400: 'A field needs attention (request.invalid, named by path: items.2.quantity)', ...AUTH, 413: 'Body larger than 64 KB', 422: 'Total does not add up (checkout.amount_mismatch) or return_url not on your origins (checkout.return_url_invalid)' },
    handler: async ({ body, partner }) => sessionJson(deps.config, await createCheckoutSession(deps, partner, checkCheckoutRequest(body, partner)), deps.clock.now()),
  });

  api.add({
    method: 'GET', path: `${BASE}/checkout-sessions/:id`, tag: TAG, guards: [partnerClient],
    summary:
      'The outcome: open, approved, declined, charged or expired. The first read after approval carries `charge_permission` (single use, shown once: ' +
      'keep it in memory and redeem it with POST /charges within 30 minutes); every later read shows null there.',
    responses: { 200: 'The session', ...AUTH, 404: 'No such session of yours' },
    handler: async ({ params, partner }) => {
      const session = await findPartnerSession(deps, partner.id, params.id!);
      const permission = await issuePermission(deps, session);
      return { ...sessionJson(deps.config, session, deps.clock.now()), charge_permission: permission, permission_issued: permission !== null || session.permission_hash !== null };
    },
  });

  api.add({
    method: 'POST', path: `${BASE}/charges`, tag: TAG, guards: [partnerClient],
    summary:
      'Redeem a charge permission: the customer\'s chosen card is charged the approved amount, and the order goes into their Your Orders. Send an Idempotency-Key header ' +
      `(1–100 printable ASCII): the same key and body answer the same charge (200), another body 409. A declined card is 402 (charge.card_declined) and may be retried up to ${MAX_ATTEMPTS} attempts in all.`,
    body: z.object({ charge_permission: z.string().max(200) }).strict(),
    responses: {
      201: 'Charged', 200: 'Already charged with this key and body: the same charge', 400: 'A field or the Idempotency-Key needs attention', ...AUTH,
      402: 'Card declined (charge.card_declined) or unusable (charge.card_unavailable)', 403: 'The customer removed your site (charge.permission_revoked)',
      409: 'Permission already redeemed, key reused with another body, attempts exhausted, or the same key in flight', 410: 'Permission expired', 422: 'Not a permission of yours',
    },
    handler: async ({ body, request, partner, info }) => {
      const idempotencyKey = idempotencyKeyOf(request);
      const { charge, created } = await redeemPermission(deps, partner, { permission: body.charge_permission, idempotencyKey, requestHash: requestHash(body), info });
      return new ApiAnswer(created ? 201 : 200, await chargeJson(deps, charge));
    },
  });

  api.add({
    method: 'GET', path: `${BASE}/charges/:id`, tag: TAG, guards: [partnerClient],
    summary: 'One of your charges: amount, refunded so far, the order, the shipping address and the card brand.',
    responses: { 200: 'The charge', ...AUTH, 404: 'No such charge of yours' },
    handler: async ({ params, partner }) => {
      const charge = await findPartnerCharge(deps, partner.id, params.id!);
      if (!charge) throw errors.notFound('charge');
      return chargeJson(deps, charge);
    },
  });

  api.add({
    method: 'POST', path: `${BASE}/charges/:id/refunds`, tag: TAG, guards: [partnerClient],
    summary: 'Refund part or all of a charge: amount in minor units, at most what is left unrefunded. Idempotency-Key as for charges.',
    body: z.object({ amount: z.unknown() }).strict(),
    responses: { 201: 'Refunded', 200: 'Already refunded with this key and body', 400: 'A field or the Idempotency-Key needs attention', ...AUTH, 404: 'No such charge of yours', 409: 'Key reused with another body, or in flight', 422: 'More than is left to refund (refund.amount_too_large)', 502: 'The gateway refused the refund; nothing changed' },
    handler: async ({ body, request, params, partner }) => {
      const amount = wholeAmount(body.amount, 1, MAX_AMOUNT);
      if (amount === null) throw errors.invalidInput({ amount: 'Use a whole number of minor units, at least 1, as a JSON number.' });
      const idempotencyKey = idempotencyKeyOf(request);
      const { refund, created } = await refundCharge(deps, partner, params.id!, { amount, idempotencyKey, requestHash: requestHash({ charge: params.id, amount }) });
      const charge = (await findPartnerCharge(deps, partner.id, refund.charge_id))!;
      return new ApiAnswer(created ? 201 : 200, { refund: { id: refund.id, amount: refund.amount, status: 'succeeded' }, charge: await chargeJson(deps, charge) });
    },
  });
}

function idempotencyKeyOf(request: FastifyRequest): string {
  const header = request.headers['idempotency-key'];
  if (typeof header !== 'string' || !isIdempotencyKey(header)) {
    throw errors.invalidInput({ 'Idempotency-Key': 'Send one Idempotency-Key header of 1 to 100 printable ASCII characters, so a retry never charges twice.' });
  }
  return header;
}
