import type { Deps } from '../platform/context.js';
import { constantTimeEqual, isOpaqueId, newId, randomToken, sha256 } from '../platform/crypto.js';

/**
 * Store API keys authenticate the shop's back end (not a customer) on /api/store/v1. A key reads
 * `csk_<id>.<secret>`: the id finds the row, the 256-bit secret is checked against its SHA-256 in constant time.
 * Only the hash is stored, so a database copy holds no usable key; the plaintext is shown once, at creation.
 */
const PREFIX = 'csk_';

export interface StoreKey {
  id: string;
  name: string;
}

export interface StoreKeyListing extends StoreKey {
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

export async function createStoreKey(deps: Pick<Deps, 'db' | 'clock' | 'random'>, name: string): Promise<{ key: StoreKey; plaintext: string }> {
  const id = newId();
  const secret = randomToken(deps.random);
  await deps.db
    .insertInto('store_api_keys')
    .values({ id, name, key_hash: sha256(secret), created_at: deps.clock.now(), last_used_at: null, revoked_at: null })
    .execute();
  return { key: { id, name }, plaintext: `${PREFIX}${id}.${secret}` };
}

export async function revokeStoreKey(deps: Pick<Deps, 'db' | 'clock'>, id: string): Promise<boolean> {
  const result = await deps.db
    .updateTable('store_api_keys')
    .set({ revoked_at: deps.clock.now() })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function listStoreKeys(deps: Pick<Deps, 'db'>): Promise<StoreKeyListing[]> {
  const rows = await deps.db.selectFrom('store_api_keys').selectAll().orderBy('created_at').execute();
  return rows.map((r) => ({ id: r.id, name: r.name, createdAt: r.created_at, lastUsedAt: r.last_used_at, revokedAt: r.revoked_at }));
}

/** The key a request presents, or null for a missing, malformed, unknown or revoked one — all alike to the caller. */
export async function authenticateStoreKey(deps: Pick<Deps, 'db' | 'clock'>, presented: string): Promise<StoreKey | null> {
  if (!presented.startsWith(PREFIX)) return null;
  const [id, secret, extra] = presented.slice(PREFIX.length).split('.');
  if (extra !== undefined || !isOpaqueId(id) || !secret || secret.length > 100) return null;
  const row = await deps.db
    .selectFrom('store_api_keys')
    .select(['id', 'name', 'key_hash', 'revoked_at', 'last_used_at'])
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row || !constantTimeEqual(row.key_hash, sha256(secret)) || row.revoked_at !== null) return null;
  const now = deps.clock.now();
  // Last use is for the operator's key list; a minute's precision spares a write per request.
  if (row.last_used_at === null || now - row.last_used_at > 60_000) {
    await deps.db.updateTable('store_api_keys').set({ last_used_at: now }).where('id', '=', id).execute();
  }
  return { id: row.id, name: row.name };
}
