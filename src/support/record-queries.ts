import type { Kysely } from 'kysely';
import type { Deps } from '../platform/context.js';
import type { Database } from '../platform/db/schema.js';
import { listVerifiedContacts, type ContactRecord } from '../accounts/store.js';
import { listAddresses } from '../wallet/addresses/addresses.js';
import { listCards } from '../wallet/cards/card-store.js';

/**
 * Read-only lookups the console needs: contacts on file with their ids (an agent picks a contact by id, never by
 * typing it), an order's owner by its number, an account's cases, and the postcodes and order totals a second
 * signal is compared with. Identifiers, cards and addresses come through their owners' functions; the order
 * reads are the same kind cases/ and spending/ make. Nothing here writes.
 */
type Db = Kysely<Database>;

export type ContactOnFile = ContactRecord;

export const contactsOnFile = listVerifiedContacts;

export async function contactOnFile(db: Db, accountId: string, identifierId: string): Promise<ContactOnFile | undefined> {
  return (await listVerifiedContacts(db, [accountId])).find((c) => c.id === identifierId);
}

export async function accountByOrderNumber(db: Db, number: string): Promise<string | undefined> {
  const row = await db.selectFrom('orders').select('account_id').where('number', '=', number).executeTakeFirst();
  return row?.account_id;
}

export async function casesOf(db: Db, accountId: string) {
  return db
    .selectFrom('order_cases')
    .innerJoin('orders', 'orders.id', 'order_cases.order_id')
    .select(['order_cases.id', 'order_cases.kind', 'order_cases.status', 'order_cases.reason', 'order_cases.created_at', 'orders.number'])
    .where('order_cases.account_id', '=', accountId)
    .orderBy('order_cases.created_at', 'desc')
    .limit(50)
    .execute();
}

/** Postcodes of the address book, saved cards' billing addresses and recent orders' delivery addresses. */
export async function postcodesOf(deps: Deps, accountId: string): Promise<string[]> {
  const addresses = await listAddresses(deps, accountId);
  const cards = await listCards(deps.db, accountId);
  const orders = await deps.db.selectFrom('orders').select('shipping_address').where('account_id', '=', accountId).orderBy('placed_at', 'desc').limit(50).execute();
  const fromOrders = orders.map((o) => (JSON.parse(o.shipping_address) as { postal_code?: string | null }).postal_code ?? null);
  return [...addresses.map((a) => a.postalCode), ...cards.map((c) => c.billingAddress.postalCode), ...fromOrders].filter((p): p is string => typeof p === 'string' && p !== '');
}

export async function hasOrderTotal(db: Db, accountId: string, total: number): Promise<boolean> {
  const row = await db.selectFrom('orders').select('id').where('account_id', '=', accountId).where('total', '=', total).limit(1).executeTakeFirst();
  return row !== undefined;
}
