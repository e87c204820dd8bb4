import { MINUTE } from '../platform/clock.js';
import type { Deps, RequestInfo } from '../platform/context.js';
import { errors } from '../platform/errors.js';
import { advanceFlow, createFlow, loadFlow } from '../platform/flows.js';
import { recordEvent } from '../activity/audit.js';
import { defaultAddress, getAddress } from './addresses.js';
import { getCard, saveCard, type CardView } from './cards.js';
import { findCardByFingerprint, renewCard, type SavedCard } from './card-store.js';
import { isLaterExpiry } from './card-expiry.js';
import { brandName, GatewayTokenError, publicDeclineReason, type DeclineReason } from './gateway.js';
import { paymentGateway } from './gateways.js';
import { toAddressJson } from './postal-address.js';

/**
 * Adding a card is a `card_setup` flow: started by a customer who confirmed their password recently (the
 * route's step-up guard), bound to their account, carrying the billing address they chose, alive for 30 minutes
 * and used once. The customer types the card on the gateway's own page and comes back with a token; the
 * zero-amount check runs before anything is saved, and the same card already on the account is recognised
 * rather than saved twice.
 */
export const CARD_SETUP_TTL_MS = 30 * MINUTE;
export const CARD_RETURN_PATH = '/account/cards/return';

interface CardSetupData {
  billingAddressId: string;
  gateway: string;
}

export interface StartedCardSetup {
  setupId: string;
  gatewayUrl: string;
  expiresAt: number;
}

export type CardSetupResult =
  | { outcome: 'saved'; card: CardView }
  /** The card was already on the account; `renewed` when this entry brought a later expiry date. */
  | { outcome: 'already_saved'; card: CardView; renewed: boolean }
  /** The issuer refused the zero-amount check; nothing was saved. `reason` is what the customer may be told. */
  | { outcome: 'declined'; reason: DeclineReason };

/** With no address id, the default billing address; an account with no address must add one first. */
export async function startCardSetup(deps: Deps, input: { accountId: string; billingAddressId?: string }): Promise<StartedCardSetup> {
  const address = input.billingAddressId ? await getAddress(deps, input.accountId, input.billingAddressId) : await defaultAddress(deps, input.accountId, 'billing');
  if (!address) throw errors.cardBillingAddressRequired();
  const gateway = paymentGateway(deps.config);
  const flow = await createFlow<CardSetupData>(deps.db, deps.clock, {
    kind: 'card_setup',
    state: 'waiting',
    ttlMs: CARD_SETUP_TTL_MS,
    accountId: input.accountId,
    data: { billingAddressId: address.id, gateway: gateway.name },
  });
  // The way back is built from the configured public URL, never from the request's Host header.
  const { gatewayUrl } = await gateway.createSetup({ reference: flow.id, returnUrl: `${deps.config.publicUrl}${CARD_RETURN_PATH}`, expiresAt: flow.expiresAt });
  return { setupId: flow.id, gatewayUrl, expiresAt: flow.expiresAt };
}

export async function completeCardSetup(deps: Deps, input: { accountId: string; setupId: string; token: string; info: RequestInfo }): Promise<CardSetupResult> {
  const flow = await loadFlow<CardSetupData>(deps.db, deps.clock, input.setupId, 'card_setup');
  // A setup started on another account is unknown here (ASVS 8.2.2): a token lifted from someone's browser
  // history can't be saved into a different account.
  if (flow.accountId !== input.accountId) throw errors.notFound('request');
  // Spent before the token is looked at: whatever happens next, this setup is never completed twice.
  await advanceFlow(deps.db, deps.clock, flow, 'waiting', { state: 'done', done: true });

  const gateway = paymentGateway(deps.config);
  if (flow.data.gateway !== gateway.name) throw errors.cardTokenInvalid();
  const card = await gateway.retrieveTokenizedCard(input.token).catch((error: unknown) => {
    if (error instanceof GatewayTokenError) throw errors.cardTokenInvalid();
    throw error;
  });
  // The token must come from this very setup, not from another one of the customer's or anyone's.
  if (card.setupReference !== flow.id) throw errors.cardTokenInvalid();
  // The address may have been removed while the customer was on the gateway's page.
  const address = await getAddress(deps, input.accountId, flow.data.billingAddressId);

  const check = await gateway.verifyCard(input.token);
  const detail = { brand: brandName(card.brand), last4: card.last4 };
  if (!check.ok) {
    await recordEvent(deps.db, deps.clock, { accountId: input.accountId, type: 'card.declined', info: input.info, detail: { ...detail, reason: check.declined } });
    return { outcome: 'declined', reason: publicDeclineReason(check.declined) };
  }

  const known = await findCardByFingerprint(deps.db, input.accountId, card.fingerprint);
  if (known) return recognise(deps, input.accountId, known, { gatewayToken: input.token, expMonth: card.expMonth, expYear: card.expYear });

  const saved = await saveCard(deps, {
    accountId: input.accountId,
    gateway: gateway.name,
    gatewayToken: input.token,
    brand: card.brand,
    last4: card.last4,
    expMonth: card.expMonth,
    expYear: card.expYear,
    fingerprint: card.fingerprint,
    billingAddress: toAddressJson(address),
  }, input.info);
  if (saved) return { outcome: 'saved', card: saved };
  // Saved by a concurrent request a moment ago: the unique (account, fingerprint) index let only one in.
  const winner = await findCardByFingerprint(deps.db, input.accountId, card.fingerprint);
  if (!winner) throw new Error('card neither inserted nor found');
  return { outcome: 'already_saved', card: await getCard(deps, input.accountId, winner.id), renewed: false };
}

async function recognise(deps: Deps, accountId: string, known: SavedCard, renewal: { gatewayToken: string; expMonth: number; expYear: number }): Promise<CardSetupResult> {
  const renewed = isLaterExpiry(renewal, known);
  if (renewed) await renewCard(deps.db, accountId, known.id, renewal);
  return { outcome: 'already_saved', card: await getCard(deps, accountId, known.id), renewed };
}

/** The customer left the gateway's page without a card: the setup is closed so it can't be completed later. */
export async function cancelCardSetup(deps: Deps, input: { accountId: string; setupId: string }): Promise<void> {
  const flow = await loadFlow<CardSetupData>(deps.db, deps.clock, input.setupId, 'card_setup');
  if (flow.accountId !== input.accountId) throw errors.notFound('request');
  await advanceFlow(deps.db, deps.clock, flow, 'waiting', { state: 'cancelled', done: true });
}
