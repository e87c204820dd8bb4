import type { Kysely, Selectable } from 'kysely';
import type { Deps } from '../../platform/context.js';
import { isOpaqueId, newSortableId } from '../../platform/crypto.js';
import type { AddressTable, Database } from '../../platform/db/schema.js';
import { lockAccountRow } from '../../platform/db/lock-account-row.js';
import { errors } from '../../platform/errors.js';
import { fromAddressFields, toAddressFields, type PostalAddress } from './postal-address.js';
import { inTransaction } from '../../platform/db/transaction.js';

/**
 * The address book. Every query that takes an address id also takes the account, so another customer's id
 * matches nothing and answers "not found" (ASVS 8.2.2). An account with addresses has exactly one default
 * shipping and one default billing address; every change to the defaults happens in one transaction that
 * first locks the account row, so two requests at once cannot leave two defaults or none, or pass the cap.
 */
export const ADDRESS_BOOK_MAX = 100;

export type AddressUse = 'shipping' | 'billing';

export interface SavedAddress extends PostalAddress {
  id: string;
  isDefaultShipping: boolean;
  isDefaultBilling: boolean;
  createdAt: number;
  updatedAt: number;
}

const flag = { shipping: 'is_default_shipping', billing: 'is_default_billing' } as const;

/** Defaults first (shipping, then billing), then newest. */
export async function listAddresses(deps: Deps, accountId: string): Promise<SavedAddress[]> {
  const rows = await deps.db
    .selectFrom('addresses')
    .selectAll()
    .where('account_id', '=', accountId)
    .orderBy('is_default_shipping', 'desc')
    .orderBy('is_default_billing', 'desc')
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(ADDRESS_BOOK_MAX)
    .execute();
  return rows.map(toSaved);
}

/** One of the customer's own addresses, or errors.notFound('address'). */
export async function getAddress(deps: Deps, accountId: string, id: string): Promise<SavedAddress> {
  const row = await findOwned(deps.db, accountId, id);
  if (!row) throw errors.notFound('address');
  return toSaved(row);
}

/** The default shipping or billing address, or null when the book is empty. */
export async function defaultAddress(deps: Deps, accountId: string, use: AddressUse): Promise<SavedAddress | null> {
  const row = await deps.db
    .selectFrom('addresses')
    .selectAll()
    .where('account_id', '=', accountId)
    .where(flag[use], '=', 1)
    .executeTakeFirst();
  return row ? toSaved(row) : null;
}

/** Saves a checked address (parsePostalAddress); the first one becomes the default for shipping and billing. */
export async function addAddress(deps: Deps, accountId: string, address: PostalAddress): Promise<SavedAddress> {
  const now = deps.clock.now();
  const id = newSortableId(now);
  await inTransaction(deps, async (tx) => {
    await lockAccountRow(tx.db, accountId);
    const held = await tx.db
      .selectFrom('addresses')
      .select((eb) => [eb.fn.countAll<number | string>().as('count'), eb.fn.max('is_default_shipping').as('shipping'), eb.fn.max('is_default_billing').as('billing')])
      .where('account_id', '=', accountId)
      .executeTakeFirstOrThrow();
    if (Number(held.count) >= ADDRESS_BOOK_MAX) throw errors.addressBookFull(ADDRESS_BOOK_MAX);
    await tx.db
      .insertInto('addresses')
      .values({
        id,
        account_id: accountId,
        ...toAddressFields(address),
        is_default_shipping: Number(held.shipping ?? 0) === 1 ? 0 : 1,
        is_default_billing: Number(held.billing ?? 0) === 1 ? 0 : 1,
        created_at: now,
        updated_at: now,
      })
      .execute();
  });
  return getAddress(deps, accountId, id);
}

/** Replaces an address's fields with a checked address; defaults are untouched. */
export async function editAddress(deps: Deps, accountId: string, id: string, address: PostalAddress): Promise<SavedAddress> {
  if (!isOpaqueId(id)) throw errors.notFound('address');
  const result = await deps.db
    .updateTable('addresses')
    .set({ ...toAddressFields(address), updated_at: deps.clock.now() })
    .where('id', '=', id)
    .where('account_id', '=', accountId)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) throw errors.notFound('address');
  return getAddress(deps, accountId, id);
}

/** Removes an address; a default it held passes to the newest address left. */
export async function removeAddress(deps: Deps, accountId: string, id: string): Promise<void> {
  await inTransaction(deps, async (tx) => {
    await lockAccountRow(tx.db, accountId);
    const row = await findOwned(tx.db, accountId, id);
    if (!row) throw errors.notFound('address');
    await tx.db.deleteFrom('addresses').where('id', '=', row.id).where('account_id', '=', accountId).execute();
    const newest = await tx.db
      .selectFrom('addresses')
      .select('id')
      .where('account_id', '=', accountId)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .executeTakeFirst();
    if (!newest) return;
    for (const use of ['shipping', 'billing'] as const) {
      if (row[flag[use]] === 1) await tx.db.updateTable('addresses').set({ [flag[use]]: 1 }).where('id', '=', newest.id).execute();
    }
  });
}

/** Makes one address the default for shipping or billing and every other address of the account not. */
export async function setDefaultAddress(deps: Deps, accountId: string, id: string, use: AddressUse): Promise<SavedAddress> {
  await inTransaction(deps, async (tx) => {
    await lockAccountRow(tx.db, accountId);
    if (!(await findOwned(tx.db, accountId, id))) throw errors.notFound('address');
    // One statement flips both the new default on and the old one off.
    await tx.db
      .updateTable('addresses')
      .set((eb) => ({ [flag[use]]: eb.case().when('id', '=', id).then(1).else(0).end() }))
      .where('account_id', '=', accountId)
      .execute();
  });
  return getAddress(deps, accountId, id);
}

async function findOwned(db: Kysely<Database>, accountId: string, id: string): Promise<Selectable<AddressTable> | undefined> {
  // Not one of our ids (a NUL byte, a path, a megabyte): not found, before it reaches a query.
  if (!isOpaqueId(id)) return undefined;
  return db.selectFrom('addresses').selectAll().where('id', '=', id).where('account_id', '=', accountId).executeTakeFirst();
}

function toSaved(row: Selectable<AddressTable>): SavedAddress {
  return {
    id: row.id,
    ...fromAddressFields(row),
    isDefaultShipping: row.is_default_shipping === 1,
    isDefaultBilling: row.is_default_billing === 1,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}
