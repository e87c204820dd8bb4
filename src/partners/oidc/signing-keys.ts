import { generateKeyPairSync, type JsonWebKey } from 'node:crypto';
import type { Deps } from '../../platform/context.js';
import { randomToken } from '../../platform/crypto.js';
import { openSecret, sealSecret } from '../../platform/secret-box.js';
import { RETIRED_KEY_PUBLISHED_MS } from './lifetimes.js';

/**
 * The keys ID tokens are signed with: made on first start, kept in the database with the private half sealed under
 * SECRET, so every instance signs with the same key and a database copy alone cannot forge ID tokens. Rotation
 * (`npm run oidc-keys -- rotate`) adds a new key and retires the old one, which stays published until what it
 * signed has expired.
 */
const PURPOSE = 'oidc-signing-key';

type KeyDeps = Pick<Deps, 'db' | 'clock' | 'random' | 'config'>;

export interface SigningKeyListing {
  kid: string;
  createdAt: number;
  retiredAt: number | null;
  /** Retired keys are still published (for verifying) until this moment; null for the current key. */
  publishedUntil: number | null;
}

/** The private JWKs for the provider, the current (signing) one first; makes the first key if there is none. */
export async function signingKeys(deps: KeyDeps): Promise<JsonWebKey[]> {
  let rows = await publishedRows(deps);
  if (!rows.some((row) => row.retired_at === null)) {
    await addKey(deps);
    rows = await publishedRows(deps);
  }
  return rows.map((row) => JSON.parse(openSecret(deps.config.keys, PURPOSE, row.sealed_jwk).plaintext) as JsonWebKey);
}

/** A new current key; the previous current one retires (still published for a while). Returns the new kid. */
export async function rotateSigningKey(deps: KeyDeps): Promise<string> {
  return deps.db.transaction().execute(async (tx) => {
    await tx.updateTable('oidc_signing_keys').set({ retired_at: deps.clock.now() }).where('retired_at', 'is', null).execute();
    return addKey({ ...deps, db: tx });
  });
}

export async function listSigningKeys(deps: Pick<Deps, 'db'>): Promise<SigningKeyListing[]> {
  const rows = await deps.db.selectFrom('oidc_signing_keys').select(['kid', 'created_at', 'retired_at']).orderBy('created_at', 'desc').execute();
  return rows.map((row) => ({
    kid: row.kid,
    createdAt: row.created_at,
    retiredAt: row.retired_at,
    publishedUntil: row.retired_at === null ? null : row.retired_at + RETIRED_KEY_PUBLISHED_MS,
  }));
}

async function publishedRows(deps: Pick<Deps, 'db' | 'clock'>) {
  const rows = await deps.db
    .selectFrom('oidc_signing_keys')
    .selectAll()
    .where((eb) => eb.or([eb('retired_at', 'is', null), eb('retired_at', '>', deps.clock.now() - RETIRED_KEY_PUBLISHED_MS)]))
    .orderBy('created_at', 'desc')
    .execute();
  // The provider signs with the first key that fits: the current one.
  return rows.sort((a, b) => Number(a.retired_at !== null) - Number(b.retired_at !== null));
}

async function addKey(deps: KeyDeps): Promise<string> {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = randomToken(deps.random, 12);
  const jwk = { ...privateKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' };
  await deps.db
    .insertInto('oidc_signing_keys')
    .values({ kid, sealed_jwk: sealSecret(deps.config.keys, PURPOSE, JSON.stringify(jwk)), created_at: deps.clock.now(), retired_at: null })
    .execute();
  return kid;
}
