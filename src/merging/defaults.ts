import type { Kysely } from 'kysely';
import type { Database } from '../platform/db/schema.js';
import type { Move } from './merge-store.js';

/**
 * A's default card and default addresses stay A's: where A has one, B's moving default gives up its flag, and the
 * flag it had is kept on its move (`prior`) so an undo gives it back. Where A has none, B's default becomes A's.
 */
export async function clearDefaultsTaken(db: Kysely<Database>, fromId: string, intoId: string): Promise<Move[]> {
  const moves: Move[] = [];
  const intoCard = await db.selectFrom('cards').select('id').where('account_id', '=', intoId).where('is_default', '=', 1).executeTakeFirst();
  if (intoCard) {
    const flagged = await db.selectFrom('cards').select('id').where('account_id', '=', fromId).where('is_default', '=', 1).execute();
    for (const card of flagged) moves.push({ table: 'cards', rowId: card.id, prior: { is_default: 1 } });
    await db.updateTable('cards').set({ is_default: 0 }).where('account_id', '=', fromId).execute();
  }
  const intoFlags = await db
    .selectFrom('addresses')
    .select((eb) => [eb.fn.max('is_default_shipping').as('shipping'), eb.fn.max('is_default_billing').as('billing')])
    .where('account_id', '=', intoId)
    .executeTakeFirst();
  const taken = { is_default_shipping: Number(intoFlags?.shipping ?? 0) === 1, is_default_billing: Number(intoFlags?.billing ?? 0) === 1 };
  const flagged = await db.selectFrom('addresses').select(['id', 'is_default_shipping', 'is_default_billing']).where('account_id', '=', fromId).execute();
  for (const address of flagged) {
    const prior: Record<string, number> = {};
    if (taken.is_default_shipping && address.is_default_shipping === 1) prior.is_default_shipping = 1;
    if (taken.is_default_billing && address.is_default_billing === 1) prior.is_default_billing = 1;
    if (Object.keys(prior).length === 0) continue;
    moves.push({ table: 'addresses', rowId: address.id, prior });
    await db.updateTable('addresses').set(Object.fromEntries(Object.keys(prior).map((k) => [k, 0]))).where('id', '=', address.id).execute();
  }
  return moves;
}

/** Gives back the default flags a merge took from B's rows (the undo), unless the row has left B again since. */
export async function restoreDefaults(db: Kysely<Database>, fromId: string, moves: Move[]): Promise<void> {
  for (const move of moves) {
    if (!move.prior) continue;
    if (move.table === 'cards') {
      await db.updateTable('cards').set({ is_default: 0 }).where('account_id', '=', fromId).execute();
      await db.updateTable('cards').set({ is_default: 1 }).where('id', '=', move.rowId).where('account_id', '=', fromId).execute();
    }
    if (move.table === 'addresses') {
      for (const flag of Object.keys(move.prior) as Array<'is_default_shipping' | 'is_default_billing'>) {
        await db.updateTable('addresses').set({ [flag]: 0 }).where('account_id', '=', fromId).execute();
        await db.updateTable('addresses').set({ [flag]: 1 }).where('id', '=', move.rowId).where('account_id', '=', fromId).execute();
      }
    }
  }
}
