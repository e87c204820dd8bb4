import { MINUTE } from '../../platform/clock.js';
import type { Deps, RequestInfo } from '../../platform/context.js';
import { errors } from '../../platform/errors.js';
import { advanceFlow, createFlow, flowKind, loadFlow, loadFlowData, type Flow } from '../../platform/flows.js';
import { safeReturnTo } from '../../platform/web/return-to.js';
import { recordEvent } from '../../activity/audit.js';
import { defaultAddress, getAddress } from '../addresses/addresses.js';
import { getCard, renewSavedCard, saveCard, type CardView } from './cards.js';
import { findCardByFingerprint } from './card-store.js';
import { countDecline, guardCardChecks } from './card-check-throttle.js';
import { brandName, GatewayTokenError, publicDeclineReason, type DeclineReason } from '../gateways/gateway.js';
import { paymentGateway } from '../gateways/gateways.js';
import { toAddressJson } from '../addresses/postal-address.js';

/**
 * Adding a card is a `card_setup` flow: started by a customer who confirmed their password recently (the
 * route's step-up guard), bound to their account and to the very session that started it, carrying the billing
 * address they chose, alive for 30 minutes and used once. The customer types the card on the gateway's own page
 * and comes back with a token; the zero-amount check runs before anything is saved (declines are counted against
 * card testing, card-check-throttle.ts), and the same card already on the account is recognised rather than
 * saved twice.
 */
export const CARD_SETUP_TTL_MS = 30 * MINUTE;
export const CARD_RETURN_PATH = '/account/cards/return';

interface CardSetupData {
  billingAddressId: string;
  gateway: string;
  /** The session that passed step-up and started the setup; only it may finish or cancel it. */
  sessionId: string;
  /**
   * Where the customer goes once the card is saved (a return_to safeReturnTo accepted): kept here, not sent
   * through the gateway, which hands back only the setup's id.
   */
  returnTo?: string;
}

const CARD_SETUP_FLOW = flowKind<CardSetupData>('card_setup');

/** Who is adding the card: the signed-in account and the session the request came with. */
export interface CardSetupCaller {
  accountId: string;
  sessionId: string;
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
export async function startCardSetup(deps: Deps, input: CardSetupCaller & { billingAddressId?: string; returnTo?: string; info: RequestInfo }): Promise<StartedCardSetup> {
  const gateway = paymentGateway(deps.config);
  await guardCardChecks(deps, input.accountId, input.info);
  const address = input.billingAddressId ? await getAddress(deps, input.accountId, input.billingAddressId) : await defaultAddress(deps, input.accountId, 'billing');
  if (!address) throw errors.cardBillingAddressRequired();
  const flow = await createFlow<CardSetupData>(deps.db, deps.clock, {
    kind: CARD_SETUP_FLOW,
    state: 'waiting',
    ttlMs: CARD_SETUP_TTL_MS,
    accountId: input.accountId,
    data: { billingAddressId: address.id, gateway: gateway.name, sessionId: input.sessionId, ...(input.returnTo ? { returnTo: input.returnTo } : {}) },
  });
  // The way back is built from the configured public URL, never from the request's Host header.
  const { gatewayUrl } = await gateway.createSetup({ reference: flow.id, returnUrl: `${deps.config.publicUrl}${CARD_RETURN_PATH}`, expiresAt: flow.expiresAt });
  return { setupId: flow.id, gatewayUrl, expiresAt: flow.expiresAt };
}

export async function completeCardSetup(deps: Deps, input: CardSetupCaller & { setupId: string; token: string; info: RequestInfo }): Promise<CardSetupResult> {
  const gateway = paymentGateway(deps.config);
  await guardCardChecks(deps, input.accountId, input.info);
  const flow = await loadOwnSetup(deps, input, input.setupId);
  // Spent before the token is looked at: whatever happens next, this setup is never completed twice.
  await advanceFlow(deps.db, deps.clock, flow, 'waiting', { state: 'done', done: true });

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
    await countDecline(deps, input.accountId, input.info, check.declined);
    return { outcome: 'declined', reason: publicDeclineReason(check.declined) };
  }

  const renewal = { gatewayToken: input.token, expMonth: card.expMonth, expYear: card.expYear };
  const known = await findCardByFingerprint(deps.db, input.accountId, card.fingerprint);
  if (known) {
    const renewed = await renewSavedCard(deps, { accountId: input.accountId, card: known, renewal, info: input.info });
    return { outcome: 'already_saved', card: await getCard(deps, input.accountId, known.id), renewed };
  }

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

/** Where a setup this caller just completed sends them: its destination, if it is still a safe one. */
export async function cardSetupReturnTo(deps: Deps, caller: CardSetupCaller, setupId: string): Promise<string | undefined> {
  const data = await loadFlowData(deps.db, setupId, CARD_SETUP_FLOW);
  return data?.sessionId === caller.sessionId ? safeReturnTo(data.returnTo, deps.config) : undefined;
}

/** The customer left the gateway's page without a card: the setup is closed so it can't be completed later. */
export async function cancelCardSetup(deps: Deps, input: CardSetupCaller & { setupId: string }): Promise<void> {
  const flow = await loadOwnSetup(deps, input, input.setupId);
  await advanceFlow(deps.db, deps.clock, flow, 'waiting', { state: 'cancelled', done: true });
}

/**
 * A setup started on another account is unknown here (ASVS 8.2.2), and so is one started in another session of
 * the same account: the return link carries the token in its address, so one lifted from a shared computer's
 * history, a proxy log or a Referer can't be finished from another browser or API client, even the owner's.
 */
async function loadOwnSetup(deps: Deps, caller: CardSetupCaller, setupId: string): Promise<Flow<CardSetupData>> {
  const flow = await loadFlow(deps.db, deps.clock, setupId, CARD_SETUP_FLOW);
  if (flow.accountId !== caller.accountId || flow.data.sessionId !== caller.sessionId) throw errors.notFound('request');
  return flow;
}
