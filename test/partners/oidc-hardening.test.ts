import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as client from 'openid-client';
import type { ListeningTestApp } from '../helpers/app.js';
import { revokePartner } from '../../src/partners/partners.js';
import { HttpBrowser, partnerSite, redeem, relyingParty, signedInCustomer, signInWith, startProvider, type TestPartner } from './oidc-helpers.js';

/** What the provider must refuse, each through a real authorization request over HTTP. */
describe('Sign in with the store: hardening', () => {
  let t: ListeningTestApp;
  let partner: TestPartner;
  let browser: HttpBrowser;
  beforeAll(async () => {
    t = await startProvider();
    partner = await partnerSite(t, { redirectUris: ['http://127.0.0.1:9/callback'] });
    ({ browser } = await signedInCustomer(t, 'grace@example.com', { name: 'Grace Hopper' }));
  });
  afterAll(() => t.close());

  const challenge = 'E9Melhoa2OwvFrEMTJguCQaoeUg6iLEy2mLyoS5P8DtO'.slice(0, 43);
  function authorize(parameters: Record<string, string>) {
    const url = new URL(`${t.baseUrl}/oidc/auth`);
    const defaults = { client_id: partner.id, redirect_uri: partner.redirectUri, response_type: 'code', scope: 'openid', code_challenge: challenge, code_challenge_method: 'S256', state: 'xyz' };
    for (const [name, value] of Object.entries({ ...defaults, ...parameters })) if (value !== '') url.searchParams.set(name, value);
    return browser.request(url.href);
  }

  function errorAtPartner(answer: { status: number; location: string | null }) {
    expect(answer.status).toBe(303);
    const back = new URL(answer.location!);
    expect(back.origin + back.pathname).toBe(partner.redirectUri);
    // Errors for implicit response types come back in the fragment, the rest in the query; both name the issuer.
    const parameters = back.hash ? new URLSearchParams(back.hash.slice(1)) : back.searchParams;
    expect(parameters.get('iss')).toBe(`${t.baseUrl}/oidc`);
    expect(parameters.get('code')).toBeNull();
    return parameters.get('error');
  }

  it('code flow only: implicit and hybrid response types are refused (SECURITY: authorization code flow only)', async () => {
    for (const responseType of ['token', 'id_token', 'id_token token', 'code id_token', 'code token', 'none']) {
      const error = errorAtPartner(await authorize({ response_type: responseType }));
      expect(['unsupported_response_type', 'unauthorized_client', 'invalid_request']).toContain(error);
    }
  });

  it('PKCE S256 is required for every client: missing and plain are refused', async () => {
    expect(errorAtPartner(await authorize({ code_challenge: '', code_challenge_method: '' }))).toBe('invalid_request');
    expect(errorAtPartner(await authorize({ code_challenge_method: 'plain' }))).toBe('invalid_request');
    expect(errorAtPartner(await authorize({ code_challenge_method: '' }))).toBe('invalid_request');
  });

  it('redirect URIs match exactly: prefix, case, extra query, trailing slash and other ports get our error page, never a redirect', async () => {
    for (const uri of ['http://127.0.0.1:9/callbac', 'http://127.0.0.1:9/callback/', 'http://127.0.0.1:9/Callback', 'http://127.0.0.1:9/callback?next=evil', 'http://127.0.0.1:99/callback', 'http://127.0.0.1:9/callback#x', 'https://127.0.0.1:9/callback']) {
      const answer = await authorize({ redirect_uri: uri });
      expect(answer.status, uri).toBe(400);
      expect(answer.location).toBeNull();
      expect(answer.body).toContain('We could not sign you in');
    }
  });

  it('an unknown or revoked partner is an unknown client', async () => {
    const other = await partnerSite(t, { name: 'Gone Shop' });
    await revokePartner(t.app.deps, other.id);
    for (const clientId of [other.id, 'cp_nobody', 'x'.repeat(300)]) {
      const answer = await authorize({ client_id: clientId });
      expect(answer.status).toBe(400);
      expect(answer.location).toBeNull();
    }
  });

  it('PAR: a pushed authorization request is accepted and signs the customer in', async () => {
    const verifier = client.randomPKCECodeVerifier();
    const url = await client.buildAuthorizationUrlWithPAR(partner.rp, {
      redirect_uri: partner.redirectUri,
      scope: 'openid',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state: 'par-state',
    });
    expect(url.searchParams.get('request_uri')).toMatch(/^urn:ietf:params:oauth:request_uri:/);
    let answer = await browser.follow(url.href, partner.redirectUri);
    if (answer.status === 200) answer = await browser.consent(answer, { decision: 'allow' }, partner.redirectUri);
    const tokens = await redeem(partner, { callback: new URL(answer.location!), verifier, state: 'par-state' });
    expect(tokens.claims()?.sub).toBeTruthy();
  });

  it('the token endpoint takes only the partner secret, by HTTP Basic; the stored hash is not a secret', async () => {
    const signin = await signInWith(partner, browser);
    const hash = (await t.app.deps.db.selectFrom('partners').select('secret_hash').where('id', '=', partner.id).executeTakeFirstOrThrow()).secret_hash;
    for (const wrong of [`${partner.secret}x`, hash, `cps_${hash}`, 'é'.repeat(300)]) {
      const rp = await relyingParty(t, partner.id, wrong);
      await expect(client.authorizationCodeGrant(rp, signin.callback, { pkceCodeVerifier: signin.verifier, expectedState: signin.state })).rejects.toSatisfy(refusedClient);
    }
    const post = await relyingParty(t, partner.id, partner.secret, 'post');
    await expect(client.authorizationCodeGrant(post, signin.callback, { pkceCodeVerifier: signin.verifier, expectedState: signin.state })).rejects.toSatisfy(refusedClient);
    // The code survived the refused attempts: the right secret still redeems it, once.
    const tokens = await redeem(partner, signin);
    expect(tokens.access_token).toBeTruthy();
  });

  it('a wrong PKCE verifier does not redeem the code', async () => {
    const signin = await signInWith(partner, browser);
    await expect(redeem(partner, { ...signin, verifier: client.randomPKCECodeVerifier() })).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('answers the provider with our security headers', async () => {
    const response = await fetch(`${t.baseUrl}/oidc/.well-known/openid-configuration`);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    const page = await authorize({ redirect_uri: 'http://127.0.0.1:9/nope' });
    expect(page.body).not.toContain('fonts.googleapis.com');
  });
});

/** openid-client's error for a 401 from the token endpoint (a WWW-Authenticate challenge), or a 400 for a secret not even well-formed. */
function refusedClient(error: unknown): boolean {
  const e = error as { status?: number; error?: string; cause?: Array<{ parameters?: { error?: string } }> };
  return e.status === 401 || e.error === 'invalid_client' || (e.status === 400 && e.error === 'invalid_request') || e.cause?.[0]?.parameters?.error === 'invalid_client';
}
