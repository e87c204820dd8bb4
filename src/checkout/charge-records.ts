import type { Selectable } from 'kysely';
import type { Deps } from '../platform/context.js';
import type { PartnerChargeTable } from '../platform/db/schema.js';

/** A partner's charges as stored, and the two ways they are found: by the partner's idempotency key, or by id. */
export type ChargeRow = Selectable<PartnerChargeTable>;

export function chargeByKey(deps: Pick<Deps, 'db'>, partnerId: string, key: string) {
  return deps.db.selectFrom('partner_charges').selectAll().where('partner_id', '=', partnerId).where('idempotency_key', '=', key).executeTakeFirst();
}

/** One of this partner's finished charges; another partner's (or one still in flight) is undefined, answered 404. */
export async function findPartnerCharge(deps: Pick<Deps, 'db'>, partnerId: string, id: string): Promise<ChargeRow | undefined> {
  return deps.db.selectFrom('partner_charges').selectAll().where('id', '=', id).where('partner_id', '=', partnerId).where('status', '!=', 'pending').executeTakeFirst();
}
