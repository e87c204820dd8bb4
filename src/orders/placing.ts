import type { Kysely } from 'kysely';
import { findAccountByIdentifier } from '../accounts/store.js';
import type { Deps } from '../platform/context.js';
import { isOpaqueId, newId } from '../platform/crypto.js';
import type { Database } from '../platform/db/schema.js';
import { isUniqueViolation } from '../platform/db/unique-violation.js';
import { errors } from '../platform/errors.js';
import { findCard } from '../wallet/cards/card-store.js';
import { toAddressJson } from '../wallet/addresses/postal-address.js';
import { newOrderNumber } from './order-number.js';
import type { OrderDraft } from './order-request.js';
import type { StoreKey } from '../merchants/store-keys.js';
import { inTransaction } from '../platform/db/transaction.js';

/**
 * Recording an order the shop has taken. Idempotent by the shop's key:
 * - a key already used with the same body answers the order it made (created: false), even if the order has
 *   moved on since, and writes nothing;
 * - a key already used with another body is refused (409), so a bug in the shop can't silently reuse one;
 * - two requests racing with one key both reach the insert; the unique index on idempotency_key lets exactly one
 *   in, and the other reads the winner's order. Checking first and inserting after would let both through.
 * Keys are global, not per store key: every key belongs to the same shop, and a retry after rotating keys must
 * still find its order.
 *
 * The order, its items and the search column are written in one transaction: nothing is ever half recorded.
 */
export interface PlacedOrder {
  number: string;
  created: boolean;
}

const NUMBER_ATTEMPTS = 5;

export async function placeOrder(deps: Deps, store: StoreKey, draft: OrderDraft): Promise<PlacedOrder> {
  const earlier = await findByIdempotencyKey(deps.db, draft.idempotencyKey);
  if (earlier) return replay(earlier, draft);

  const account = await findAccountByIdentifier(deps.db, draft.customer);
  if (!account || account.status === 'closed') throw errors.orderCustomerUnknown();
  // A card id the customer doesn't own answers exactly like one that doesn't exist (ASVS 8.2.2).
  const card = draft.cardId !== null && isOpaqueId(draft.cardId) ? await findCard(deps.db, account.id, draft.cardId) : undefined;
  if (draft.cardId !== null && !card) throw errors.orderCardUnknown();

  for (let attempt = 0; attempt < NUMBER_ATTEMPTS; attempt++) {
    const number = newOrderNumber(deps.random);
    try {
      await inTransaction(deps, (tx) => insertOrder(tx.db, tx.clock.now(), { number, accountId: account.id, store, card, draft }));
      return { number, created: true };
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      const winner = await findByIdempotencyKey(deps.db, draft.idempotencyKey);
      if (winner) return replay(winner, draft);
      // Not our key, so the random number was taken: draw another.
    }
  }
  throw new Error(`no unused order number after ${NUMBER_ATTEMPTS} draws`);
}

function replay(earlier: { number: string; request_hash: string }, draft: OrderDraft): PlacedOrder {
  if (earlier.request_hash !== draft.requestHash) throw errors.idempotencyConflict(earlier.number);
  return { number: earlier.number, created: false };
}

function findByIdempotencyKey(db: Kysely<Database>, key: string) {
  return db.selectFrom('orders').select(['number', 'request_hash']).where('idempotency_key', '=', key).executeTakeFirst();
}

interface NewOrder {
  number: string;
  accountId: string;
  store: StoreKey;
  card: { id: string; brand: string; last4: string } | undefined;
  draft: OrderDraft;
}

async function insertOrder(trx: Kysely<Database>, now: number, order: NewOrder): Promise<void> {
  const { draft } = order;
  const id = newId();
  const placedAt = draft.placedAt ?? now;
  await trx
    .insertInto('orders')
    .values({
      id,
      number: order.number,
      account_id: order.accountId,
      store_key_id: order.store.id,
      idempotency_key: draft.idempotencyKey,
      request_hash: draft.requestHash,
      status: 'placed',
      currency: draft.currency,
      subtotal: draft.totals.subtotal,
      shipping_total: draft.totals.shipping,
      tax_total: draft.totals.tax,
      total: draft.totals.total,
      // Lines, not units: "2 items" for two books and a mug, as Your Orders and the seed data count them.
      item_count: draft.lines.length,
      item_titles: draft.lines.map((line) => searchableTitle(line.title)).join('\n'),
      shipping_address: toAddressJson(draft.shippingAddress),
      card_id: order.card?.id ?? null,
      card_brand: order.card?.brand ?? null,
      card_last4: order.card?.last4 ?? null,
      placed_at: placedAt,
      paid_at: null,
      shipped_at: null,
      delivered_at: null,
      cancelled_at: null,
      returned_at: null,
      refunded_at: null,
      fraud_reported_at: null,
      updated_at: now,
    })
    .execute();
  await trx
    .insertInto('order_items')
    .values(
      draft.lines.map((line, position) => ({
        id: newId(),
        order_id: id,
        account_id: order.accountId,
        position,
        sku: line.sku,
        title: line.title,
        quantity: line.quantity,
        unit_price: line.unitPrice,
        line_total: line.lineTotal,
        placed_at: placedAt,
      })),
    )
    .execute();
}

/**
 * The form Your Orders searches (history.ts normaliseSearch folds the query the same way): compatibility forms
 * folded by NFKC ("ﬁ" → "fi", full-width → ASCII), lower case, white space runs as one space. Titles hold no
 * line breaks (cleanText refuses them), so one title per line never runs into the next.
 */
export function searchableTitle(title: string): string {
  return title.normalize('NFKC').toLowerCase().replace(/\s+/gu, ' ').trim();
}
