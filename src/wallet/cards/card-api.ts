import { z } from 'zod';
import type { Deps } from '../../platform/context.js';
import { ApiAnswer, type ApiRegistry } from '../../platform/http/api.js';
import { errors } from '../../platform/errors.js';
import { text } from '../../platform/http/validation.js';
import { iso } from '../../platform/format.js';
import { completeCardSetup, startCardSetup } from './card-setup.js';
import { getCard, listCardsFor, removeCard, setDefaultCard, type CardView } from './cards.js';
import { declineMessage } from '../gateways/gateway.js';
import { formatAddressLines, toAddressFields } from '../addresses/postal-address.js';
import { recentStepUp } from '../../signin/step-up-guard.js';
import { signedIn } from '../../sessions/guards.js';

/**
 * Payment methods over JSON. Adding a card takes two calls around the gateway's own page: POST /cards/setups
 * (recent sign-in) answers the page to send the customer to; the page sends them back with a token, which
 * POST /cards, in the same session, turns into a saved card once the zero-amount check passes. A decline is 402 `card.declined` with
 * the reason as a code and in words. Another customer's card id answers 404 (ASVS 8.2.2).
 */
export function registerCardApi(api: ApiRegistry, deps: Deps): void {
  api.add({
    method: 'GET', path: '/api/v1/cards', tag: 'Payment methods', guards: [signedIn],
    summary: 'Your saved cards, the default first: brand, last 4, expiry (with expired / expires-soon status) and billing address. Never a full number.',
    responses: { 200: 'The cards', 401: 'Not signed in' },
    handler: async ({ session }) => ({ cards: (await listCardsFor(deps, session.accountId)).map(cardJson) }),
  });

  api.add({
    method: 'POST', path: '/api/v1/cards/setups', tag: 'Payment methods', guards: [recentStepUp],
    summary: 'Start adding a card: send the customer to gateway_url to type the card; they come back to /account/cards/return with ?setup=…&token=…. The billing address is one of yours, the default billing address if none is named. Lives 30 minutes, used once.',
    body: z.object({ billing_address_id: text(200).optional() }).strict(),
    responses: {
      201: 'Setup started',
      400: 'Invalid fields',
      403: 'Recent sign-in required',
      404: 'No such address',
      422: 'No billing address yet',
      429: 'Too many cards declined lately (throttled, with Retry-After)',
      503: 'Adding cards is not available (card.gateway_unavailable)',
    },
    handler: async ({ body, session, info }) => {
      const setup = await startCardSetup(deps, { accountId: session.accountId, sessionId: session.sessionId, billingAddressId: body.billing_address_id, info });
      return { setup_id: setup.setupId, gateway_url: setup.gatewayUrl, expires_at: iso(setup.expiresAt) };
    },
  });

  // The same rule as the page the gateway returns to: a signed-in session, and the very session that started the
  // setup after a recent password confirmation (card-setup.ts refuses any other, even of the same account).
  // Asking for the confirmation again here would lose the card the customer just typed whenever the gateway's
  // page took longer than STEP_UP_MINUTES, and would add nothing: the setup is single-use and bound to this session.
  api.add({
    method: 'POST', path: '/api/v1/cards', tag: 'Payment methods', guards: [signedIn],
    summary: 'Finish adding a card with the token the gateway gave back, in the same session that started the setup. The zero-amount check runs first; a card already saved (same fingerprint) is answered 200 with already_saved, its expiry updated if this one is later.',
    body: z.object({ setup_id: text(200), token: text(4000) }).strict(),
    responses: {
      201: 'Card saved',
      200: 'Card already saved',
      400: 'Invalid fields or token',
      402: 'Declined by the bank (card.declined, with reason)',
      404: 'No such setup in this session',
      409: 'Setup already used',
      410: 'Setup expired',
      429: 'Too many cards declined lately (throttled, with Retry-After)',
      503: 'Adding cards is not available (card.gateway_unavailable)',
    },
    handler: async ({ body, session, info }) => {
      const result = await completeCardSetup(deps, { accountId: session.accountId, sessionId: session.sessionId, setupId: body.setup_id, token: body.token, info });
      if (result.outcome === 'declined') {
        const error = errors.cardDeclined(declineMessage(result.reason));
        return new ApiAnswer(error.status, { error: { code: error.code, message: error.message, reason: result.reason } });
      }
      if (result.outcome === 'saved') return new ApiAnswer(201, { card: cardJson(result.card), already_saved: false });
      return new ApiAnswer(200, { card: cardJson(result.card), already_saved: true, expiry_updated: result.renewed });
    },
  });

  api.add({
    method: 'DELETE', path: '/api/v1/cards/:id', tag: 'Payment methods', guards: [signedIn],
    summary: 'Remove a saved card. The customer is told at every verified contact.',
    responses: { 204: 'Removed', 401: 'Not signed in', 404: 'No such card' },
    handler: async ({ params, session, info }) => {
      await removeCard(deps, { accountId: session.accountId, id: params.id!, info });
    },
  });

  api.add({
    method: 'POST', path: '/api/v1/cards/:id/default', tag: 'Payment methods', guards: [signedIn],
    summary: 'Make a saved card the default; the previous default stops being one.',
    body: z.object({}).strict(),
    responses: { 200: 'The new default card', 401: 'Not signed in', 404: 'No such card' },
    handler: async ({ params, session }) => ({ card: cardJson(await setDefaultCard(deps, { accountId: session.accountId, id: params.id! })) }),
  });

  api.add({
    method: 'GET', path: '/api/v1/cards/:id', tag: 'Payment methods', guards: [signedIn],
    summary: 'One saved card.',
    responses: { 200: 'The card', 401: 'Not signed in', 404: 'No such card' },
    handler: async ({ params, session }) => ({ card: cardJson(await getCard(deps, session.accountId, params.id!)) }),
  });
}

export function cardJson(card: CardView) {
  return {
    id: card.id,
    brand: card.brand,
    brand_name: card.brandName,
    last4: card.last4,
    exp_month: card.expMonth,
    exp_year: card.expYear,
    expiry_status: card.expiry,
    is_default: card.isDefault,
    billing_address: toAddressFields(card.billingAddress),
    billing_address_lines: formatAddressLines(card.billingAddress),
    created_at: iso(card.createdAt),
  };
}
