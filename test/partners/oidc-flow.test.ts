import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as client from 'openid-client';
import type { ListeningTestApp } from '../helpers/app.js';
import { partnerSite, redeem, signedInCustomer, signInWith, startProvider } from './oidc-helpers.js';

describe('Sign in with the store: the authorization code flow through openid-client over HTTP', () => {
  let t: ListeningTestApp;
  beforeEach(async () => {
    t = await startProvider();
  });
  afterEach(() => t.close());

  it('publishes discovery and keys: code flow only, S256, pairwise, RS256, iss in responses', async () => {
    const discovery = await (await fetch(`${t.baseUrl}/oidc/.well-known/openid-configuration`)).json();
    expect(discovery.issuer).toBe(`${t.baseUrl}/oidc`);
    expect(discovery.response_types_supported).toEqual(['code']);
    expect(discovery.code_challenge_methods_supported).toEqual(['S256']);
    expect(discovery.subject_types_supported).toEqual(['pairwise']);
    expect(discovery.id_token_signing_alg_values_supported).toEqual(['RS256']);
    expect(discovery.authorization_response_iss_parameter_supported).toBe(true);
    expect(discovery.token_endpoint_auth_methods_supported).toEqual(['client_secret_basic']);
    expect(discovery.pushed_authorization_request_endpoint).toBe(`${t.baseUrl}/oidc/request`);
    const jwks = await (await fetch(discovery.jwks_uri)).json();
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
    expect(jwks.keys[0].d).toBeUndefined();
  });

  it('signs a customer in: consent, code, tokens, ID token with the consented claims', async () => {
    const partner = await partnerSite(t);
    const { browser } = await signedInCustomer(t, 'ada@example.com');
    const signin = await signInWith(partner, browser);
    expect(signin.callback.searchParams.get('iss')).toBe(`${t.baseUrl}/oidc`);
    const tokens = await redeem(partner, signin);
    const claims = tokens.claims()!;
    expect(claims).toMatchObject({ name: 'Ada Lovelace', email: 'ada@example.com', email_verified: true });
    const info = await client.fetchUserInfo(partner.rp, tokens.access_token, claims.sub);
    expect(info.email).toBe('ada@example.com');
  });
});
