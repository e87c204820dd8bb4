import type { Kysely } from 'kysely';
import type { Database } from '../platform/db/schema.js';

/**
 * Read-only lookups the console needs that the owning capabilities don't offer in this shape: identifiers with
 * their ids (an agent picks a contact by id, never by typing it), an order's owner by its number, the cases of
 * an account, and the postcodes and order totals a second signal is compared with. Nothing here writes.
 */
type Db = Kysely<Database>;

export interface ContactOnFile {
  id: string;
  accountId: string;
  kind: 'email' | 'phone';
  value: string;
  normalized: string;
}

/** Verified contacts only: an unproven address is nobody's, so no code is ever sent to one. */
export async function contactsOnFile(db: Db, accountIds: string[]): Promise<ContactOnFile[]> {
  if (accountIds.length === 0) return [];
  const rows = await db
    .selectFrom('identifiers')
    .select(['id', 'account_id', 'kind', 'value', 'normalized'])
    .where('account_id', 'in', accountIds)
    .where('verified_at', 'is not', null)
    .orderBy('is_primary', 'desc')
    .orderBy('created_at', 'asc')
    .execute();
  return rows.map((r) => ({ id: r.id, accountId: r.account_id, kind: r.kind, value: r.value, normalized: r.normalized }));
}

export async function contactOnFile(db: Db, accountId: string, identifierId: string): Promise<ContactOnFile | undefined> {
  return (await contactsOnFile(db, [accountId])).find((c) => c.id === identifierId);
}

export async function accountByVerifiedIdentifier(db: Db, kind: 'email' | 'phone', normalized: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('identifiers')
    .select('account_id')
    .where('kind', '=', kind)
    .where('normalized', '=', normalized)
    .where('verified_at', 'is not', null)
    .executeTakeFirst();
  return row?.account_id;
}

export async function accountByOrderNumber(db: Db, number: string): Promise<string | undefined> {
  const row = await db.selectFrom('orders').select('account_id').where('number', '=', number).executeTakeFirst();
  return row?.account_id;
}

export async function accountSummaries(db: Db, accountIds: string[]): Promise<Array<{ id: string; name: string; status: string }>> {
  if (accountIds.length === 0) return [];
  return db.selectFrom('accounts').select(['id', 'name', 'status']).where('id', 'in', accountIds).execute();
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
export async function postcodesOf(db: Db, accountId: string): Promise<string[]> {
  const addresses = await db.selectFrom('addresses').select('postal_code').where('account_id', '=', accountId).execute();
  const cards = await db.selectFrom('cards').select('billing_address').where('account_id', '=', accountId).execute();
  const orders = await db.selectFrom('orders').select('shipping_address').where('account_id', '=', accountId).orderBy('placed_at', 'desc').limit(50).execute();
  const postcodeIn = (json: string) => (JSON.parse(json) as { postal_code?: string | null }).postal_code ?? null;
  return [...addresses.map((a) => a.postal_code), ...cards.map((c) => postcodeIn(c.billing_address)), ...orders.map((o) => postcodeIn(o.shipping_address))].filter((p): p is string => typeof p === 'string' && p !== '');
}

export async function hasOrderTotal(db: Db, accountId: string, total: number): Promise<boolean> {
  const row = await db.selectFrom('orders').select('id').where('account_id', '=', accountId).where('total', '=', total).limit(1).executeTakeFirst();
  return row !== undefined;
}
