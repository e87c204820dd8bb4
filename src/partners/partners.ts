import type { Deps } from '../platform/context.js';
import { constantTimeEqual, newId, randomToken, sha256 } from '../platform/crypto.js';
import { AppError } from '../platform/errors.js';

/**
 * Partner sites: the OAuth clients that offer "Sign in with" and "Pay with" the store. They are registered only
 * from the server's shell (`npm run partner`), so no stolen session can mint one. The client secret is 256 random
 * bits shown once; only its SHA-256 is kept (a secret this long needs no slow hash), so a database copy holds no
 * usable credential.
 */
const ID_PREFIX = 'cp_';
const SECRET_PREFIX = 'cps_';
const MAX_REDIRECT_URIS = 10;

export interface Partner {
  id: string;
  name: string;
  redirectUris: string[];
  backchannelLogoutUri: string | null;
}

export interface PartnerListing extends Partner {
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

export interface NewPartner {
  name: string;
  redirectUris: string[];
  backchannelLogoutUri?: string;
}

export async function createPartner(deps: Pick<Deps, 'db' | 'clock' | 'random'>, input: NewPartner): Promise<{ partner: Partner; clientSecret: string }> {
  const name = input.name.trim();
  if (!name || name.length > 100) throw new AppError(422, 'partner.name_invalid', 'Give the partner a name of 1 to 100 characters.');
  if (input.redirectUris.length === 0 || input.redirectUris.length > MAX_REDIRECT_URIS) {
    throw new AppError(422, 'partner.redirect_uri_invalid', `Give 1 to ${MAX_REDIRECT_URIS} redirect URIs.`);
  }
  const redirectUris = [...new Set(input.redirectUris.map(checkPartnerUri))];
  const backchannelLogoutUri = input.backchannelLogoutUri === undefined ? null : checkPartnerUri(input.backchannelLogoutUri);
  const id = `${ID_PREFIX}${newId()}`;
  const secret = randomToken(deps.random);
  await deps.db
    .insertInto('partners')
    .values({
      id,
      name,
      secret_hash: sha256(secret),
      redirect_uris: JSON.stringify(redirectUris),
      backchannel_logout_uri: backchannelLogoutUri,
      created_at: deps.clock.now(),
      last_used_at: null,
      revoked_at: null,
    })
    .execute();
  return { partner: { id, name, redirectUris, backchannelLogoutUri }, clientSecret: `${SECRET_PREFIX}${secret}` };
}

/**
 * A redirect or logout URI a partner registers: absolute, no fragment, no credentials, and https — plain http only
 * for loopback hosts, where a developer's partner runs beside the service. Matched exactly later, never by prefix.
 */
export function checkPartnerUri(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new AppError(422, 'partner.redirect_uri_invalid', `"${value.slice(0, 200)}" is not an absolute URL.`);
  }
  const loopback = url.hostname === 'localhost' || url.hostname === '127.0.0.1' || url.hostname === '[::1]';
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw new AppError(422, 'partner.redirect_uri_invalid', `${value.slice(0, 200)} must use https (plain http only on localhost).`);
  }
  if (url.hash || value.includes('#') || url.username || url.password || value.length > 500) {
    throw new AppError(422, 'partner.redirect_uri_invalid', `${value.slice(0, 200)} must have no fragment or credentials and be under 500 characters.`);
  }
  return value;
}

export async function revokePartner(deps: Pick<Deps, 'db' | 'clock'>, id: string): Promise<boolean> {
  const result = await deps.db
    .updateTable('partners')
    .set({ revoked_at: deps.clock.now() })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function listPartners(deps: Pick<Deps, 'db'>): Promise<PartnerListing[]> {
  const rows = await deps.db.selectFrom('partners').selectAll().orderBy('created_at').execute();
  return rows.map((row) => ({ ...toPartner(row), createdAt: row.created_at, lastUsedAt: row.last_used_at, revokedAt: row.revoked_at }));
}

/** An active (not revoked) partner by its client id, or null. */
export async function findPartner(deps: Pick<Deps, 'db'>, id: string): Promise<Partner | null> {
  if (!isPartnerId(id)) return null;
  const row = await deps.db.selectFrom('partners').selectAll().where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
  return row ? toPartner(row) : null;
}

/** The partner these client credentials name, or null for unknown, revoked or wrong — all alike to the caller. */
export async function authenticatePartner(deps: Pick<Deps, 'db' | 'clock'>, clientId: string, clientSecret: string): Promise<Partner | null> {
  if (!isPartnerId(clientId)) return null;
  const row = await deps.db.selectFrom('partners').selectAll().where('id', '=', clientId).executeTakeFirst();
  if (!row || !partnerSecretMatches(row.secret_hash, clientSecret) || row.revoked_at !== null) return null;
  const now = deps.clock.now();
  // Last use is for the operator's list; a minute's precision spares a write per request.
  if (row.last_used_at === null || now - row.last_used_at > 60_000) {
    await deps.db.updateTable('partners').set({ last_used_at: now }).where('id', '=', clientId).execute();
  }
  return toPartner(row);
}

/** Constant-time comparison of a presented secret with the stored hash; the provider's client check uses it too. */
export function partnerSecretMatches(storedHash: string, presented: string): boolean {
  if (!presented.startsWith(SECRET_PREFIX) || presented.length > 200) return false;
  return constantTimeEqual(storedHash, sha256(presented.slice(SECRET_PREFIX.length)));
}

export function isPartnerId(value: unknown): value is string {
  return typeof value === 'string' && /^cp_[\w-]{1,64}$/.test(value);
}

function toPartner(row: { id: string; name: string; redirect_uris: string; backchannel_logout_uri: string | null }): Partner {
  return { id: row.id, name: row.name, redirectUris: JSON.parse(row.redirect_uris) as string[], backchannelLogoutUri: row.backchannel_logout_uri };
}
