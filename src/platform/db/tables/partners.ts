// Partner sites and what customers allowed them. Row types only; schema.ts lists the tables.

export interface PartnerTable {
  /** The OAuth client_id (`cp_…`). */
  id: string;
  name: string;
  /** SHA-256 of the 256-bit client secret; the plaintext is shown once, at creation. */
  secret_hash: string;
  /** JSON array of exact redirect URIs. */
  redirect_uris: string;
  backchannel_logout_uri: string | null;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

/** The pairwise `sub` a partner knows a customer by: random, stable, and different for every partner. */
export interface PartnerSubjectTable {
  partner_id: string;
  account_id: string;
  subject: string;
  created_at: number;
}

export interface PartnerGrantTable {
  id: string;
  account_id: string;
  partner_id: string;
  /** JSON of what the customer consented to share on sign-in (claims and the contacts/address picked); null: none. */
  signin_claims: string | null;
  /** The provider's grant id, so ending the grant revokes its tokens. */
  oidc_grant_id: string | null;
  /** 1 once the customer approved a payment to this partner. */
  pays: number;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}
