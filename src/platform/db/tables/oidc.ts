// The OpenID Connect provider's storage. Row types only; schema.ts lists the tables.

/** One stored provider object (authorization code, tokens, grant, session, interaction…), by model and id. */
export interface OidcModelTable {
  model: string;
  id: string;
  /** The provider's payload, as JSON text. */
  payload: string;
  grant_id: string | null;
  uid: string | null;
  user_code: string | null;
  /** Epoch ms; null for objects that never expire. */
  expires_at: number | null;
  /** Epoch ms when a one-time object (code, rotated refresh token) was used; set by one conditional update. */
  consumed_at: number | null;
}

/** A key the provider signs ID tokens with; the private JWK sealed under SECRET (purpose 'oidc-signing-key'). */
export interface OidcSigningKeyTable {
  kid: string;
  sealed_jwk: string;
  created_at: number;
  /** Set when a newer key took over; still published until tokens signed with it have expired. */
  retired_at: number | null;
}
