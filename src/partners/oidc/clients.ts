import type { AdapterPayload } from 'oidc-provider';
import type { Deps } from '../../platform/context.js';
import { isPartnerId } from '../partners.js';

/**
 * A partner site as the provider's client: built from the `partners` row on every lookup, so a revoked partner is
 * at once an unknown client. `client_secret` holds the stored SHA-256, never a usable secret; the provider compares
 * presented secrets through partnerSecretMatches (provider.ts). No HS* signing: that would key ID tokens with it.
 */
export async function clientMetadata(deps: Pick<Deps, 'db'>, id: string): Promise<AdapterPayload | undefined> {
  if (!isPartnerId(id)) return undefined;
  const row = await deps.db
    .selectFrom('partners')
    .select(['id', 'name', 'secret_hash', 'redirect_uris', 'backchannel_logout_uri'])
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    client_id: row.id,
    client_name: row.name,
    client_secret: row.secret_hash,
    redirect_uris: JSON.parse(row.redirect_uris) as string[],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
    id_token_signed_response_alg: 'RS256',
    subject_type: 'pairwise',
    ...(row.backchannel_logout_uri ? { backchannel_logout_uri: row.backchannel_logout_uri, backchannel_logout_session_required: false } : {}),
  };
}
