import { generateKeyPairSync, type JsonWebKey } from 'node:crypto';
import type { Deps } from '../../platform/context.js';
import { calculateJwkThumbprint } from 'jose';
import { openSecret, sealSecret } from '../../platform/secret-box.js';
import { RETIRED_KEY_PUBLISHED_MS } from './lifetimes.js';

/**
 * The keys ID tokens are signed with: made on first start, kept in the database with the private half sealed under
 * SECRET, so every instance signs with the same key and a database copy alone cannot forge ID tokens. Rotation
 * (`npm run oidc-keys -- rotate`) adds a new key and retires the old one, which stays published until what it
 * signed has expired.
 */
const PURPOSE = 'oidc-signing-key';

type KeyDeps = Pick<Deps, 'db' | 'clock' | 'config'> & { log?: Pick<Deps['log'], 'warn'> };

export interface SigningKeyListing {
  kid: string;
  createdAt: number;
  retiredAt: number | null;
  /** Retired keys are still published (for verifying) until this moment; null for the current key. */
  publishedUntil: number | null;
}

/**
 * The private JWKs for the provider, the current (signing) one first; makes the first key if there is none. A key
 * sealed under an older SECRET is re-sealed under the newest; one sealed under a SECRET no longer listed cannot be
 * opened, so it is retired and left out — if it was the current key, a new one takes its place (partners verify
 * with the published set, so only ID tokens it signed stop verifying).
 */
export async function signingKeys(deps: KeyDeps): Promise<JsonWebKey[]> {
  let opened = await openPublished(deps);
  if (!opened.some((key) => key.current)) {
    await addKey(deps);
    opened = await openPublished(deps);
  }
  return opened.map((key) => key.jwk);
}

async function openPublished(deps: KeyDeps): Promise<{ jwk: JsonWebKey; current: boolean }[]> {
  const opened: { jwk: JsonWebKey; current: boolean }[] = [];
  for (const row of await publishedRows(deps)) {
    let plaintext: string;
    let stale: boolean;
    try {
      ({ plaintext, stale } = openSecret(deps.config.keys, PURPOSE, row.sealed_jwk));
    } catch {
      deps.log?.warn({ kid: row.kid }, 'An OpenID signing key was sealed under a SECRET no longer listed; it is retired and no longer published');
      await deps.db.updateTable('oidc_signing_keys').set({ retired_at: deps.clock.now() - RETIRED_KEY_PUBLISHED_MS }).where('kid', '=', row.kid).execute();
      continue;
    }
    if (stale) {
      await deps.db.updateTable('oidc_signing_keys').set({ sealed_jwk: sealSecret(deps.config.keys, PURPOSE, plaintext) }).where('kid', '=', row.kid).execute();
    }
    opened.push({ jwk: JSON.parse(plaintext) as JsonWebKey, current: row.retired_at === null });
  }
  return opened;
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
  const exported = privateKey.export({ format: 'jwk' });
  // The key's RFC 7638 thumbprint names it: unique, and derived from the public half alone.
  const kid = await calculateJwkThumbprint({ kty: exported.kty!, n: exported.n!, e: exported.e! });
  const jwk = { ...exported, kid, alg: 'RS256', use: 'sig' };
  await deps.db
    .insertInto('oidc_signing_keys')
    .values({ kid, sealed_jwk: sealSecret(deps.config.keys, PURPOSE, JSON.stringify(jwk)), created_at: deps.clock.now(), retired_at: null })
    .execute();
  return kid;
}
