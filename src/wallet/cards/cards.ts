import type { Deps, RequestInfo } from '../../platform/context.js';
import { lockAccountRow } from '../../platform/db/lock-account-row.js';
import { errors } from '../../platform/errors.js';
import { isOpaqueId } from '../../platform/crypto.js';
import { recordEvent } from '../../activity/audit.js';
import { getAccount } from '../../accounts/store.js';
import { sendSecurityNotice } from '../../notify/security-notices.js';
import { deleteCard, ensureDefault, findCard, insertCard, listCards, makeDefault, renewCard, type NewCard, type SavedCard } from './card-store.js';
import { expiryStatus, formatExpiry, type ExpiryStatus } from './card-expiry.js';
import { brandName } from '../gateways/gateway.js';
import { inTransaction } from '../../platform/db/transaction.js';

/**
 * Saved cards: the list (default first), save, renew, remove and choose the default. An account with cards always
 * has exactly one default: the first card becomes it, and removing the default passes it to the newest card left.
 * Adding, renewing and removing a card tell the customer at every verified contact, naming brand and last 4
 * only, and go into the audit trail — in the same transaction as the change, so none happens unannounced.
 */
export interface CardView extends SavedCard {
  /** "Visa", "American Express"… */
  brandName: string;
  expiry: ExpiryStatus;
}

export async function listCardsFor(deps: Deps, accountId: string): Promise<CardView[]> {
  const now = deps.clock.now();
  return (await listCards(deps.db, accountId)).map((card) => toView(card, now));
}

/** One of the customer's own cards, or errors.notFound('card'). */
export async function getCard(deps: Deps, accountId: string, id: string): Promise<CardView> {
  const card = isOpaqueId(id) ? await findCard(deps.db, accountId, id) : undefined;
  if (!card) throw errors.notFound('card');
  return toView(card, deps.clock.now());
}

/** Saves a card that passed the zero-amount check; null when the account already holds this card (same fingerprint). */
export async function saveCard(deps: Deps, card: NewCard, info: RequestInfo): Promise<CardView | null> {
  const id = await inTransaction(deps, async (tx) => {
    await lockAccountRow(tx.db, card.accountId);
    const inserted = await insertCard(tx.db, tx.clock, card);
    if (!inserted) return null;
    await ensureDefault(tx.db, card.accountId);
    await tellCustomer(tx, card.accountId, info, 'card_added', card);
    return inserted;
  });
  if (!id) return null;
  return getCard(deps, card.accountId, id);
}

/**
 * The same card typed again with a later expiry date (the bank sent a new one): the new token and date replace
 * the old. A swapped token decides where future payments go, so it is announced like an added card. False when
 * the stored date is already as late (nothing changed, nobody is told).
 */
export async function renewSavedCard(
  deps: Deps,
  input: { accountId: string; card: SavedCard; renewal: { gatewayToken: string; expMonth: number; expYear: number }; info: RequestInfo },
): Promise<boolean> {
  const renewed = await inTransaction(deps, async (tx) => {
    await lockAccountRow(tx.db, input.accountId);
    if (!(await renewCard(tx.db, input.accountId, input.card.id, input.renewal))) return false;
    await tellCustomer(tx, input.accountId, input.info, 'card_updated', input.card, { expiry: formatExpiry(input.renewal) });
    return true;
  });
  return renewed;
}

export async function removeCard(deps: Deps, input: { accountId: string; id: string; info: RequestInfo }): Promise<void> {
  if (!isOpaqueId(input.id)) throw errors.notFound('card');
  await inTransaction(deps, async (tx) => {
    await lockAccountRow(tx.db, input.accountId);
    const removed = await deleteCard(tx.db, input.accountId, input.id);
    if (!removed) throw errors.notFound('card');
    await ensureDefault(tx.db, input.accountId);
    await tellCustomer(tx, input.accountId, input.info, 'card_removed', removed);
  });
}

export async function setDefaultCard(deps: Deps, input: { accountId: string; id: string }): Promise<CardView> {
  if (!isOpaqueId(input.id)) throw errors.notFound('card');
  await inTransaction(deps, async (tx) => {
    await lockAccountRow(tx.db, input.accountId);
    if (!(await makeDefault(tx.db, input.accountId, input.id))) throw errors.notFound('card');
  });
  return getCard(deps, input.accountId, input.id);
}

/** "Visa ending in 4242": how messages and screen-reader labels name a card — brand and last 4, never more (SECURITY.md "Card data"). */
export function describeCard(card: { brand: string; last4: string }): string {
  return `${brandName(card.brand)} ending in ${card.last4}`;
}

const AUDIT_TYPES = { card_added: 'card.added', card_removed: 'card.removed', card_updated: 'card.renewed' } as const;

/** Inside the change's transaction: `tx` is the transaction-bound deps. */
async function tellCustomer(
  tx: Deps,
  accountId: string,
  info: RequestInfo,
  change: keyof typeof AUDIT_TYPES,
  card: { brand: string; last4: string },
  extra: Record<string, string> = {},
): Promise<void> {
  const account = await getAccount(tx.db, accountId);
  await sendSecurityNotice(tx, { accountId, name: account?.name ?? '', change, info, detail: describeCard(card) });
  await recordEvent(tx.db, tx.clock, { accountId, type: AUDIT_TYPES[change], info, detail: { brand: brandName(card.brand), last4: card.last4, ...extra } });
}

function toView(card: SavedCard, now: number): CardView {
  return { ...card, brandName: brandName(card.brand), expiry: expiryStatus(card, now) };
}
