import * as oidc from 'openid-client';
import type { PendingSignIn, SignedInCustomer } from './shop-sessions.js';

/**
 * "Sign in with <store>": OpenID Connect's authorization code flow against Custos, through `openid-client`, as a
 * shop in production would do it:
 * - a fresh state, nonce and PKCE (S256) verifier for every sign-in, kept in the visitor's own session, so an
 *   answer can only finish the sign-in this browser started (login CSRF, code injection);
 * - the client authenticates at the token endpoint with HTTP Basic (client_secret_basic);
 * - the ID token's signature, issuer, audience, expiry and nonce are checked by the library.
 */
export const SCOPES = 'openid profile email phone address';

export interface SignInOptions {
  issuer: URL;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  /** The shop's clock; the ID token's times are checked against it. */
  now: () => number;
}

export class SignInWithCustos {
  private discovered: Promise<oidc.Configuration> | undefined;
  private jwks: oidc.ExportedJWKSCache | undefined;

  constructor(private readonly options: SignInOptions) {}

  /** Where to send the browser, and what to remember in its session until it comes back. */
  async start(): Promise<{ url: URL; pending: PendingSignIn }> {
    const config = await this.configuration();
    const pending: PendingSignIn = { state: oidc.randomState(), nonce: oidc.randomNonce(), codeVerifier: oidc.randomPKCECodeVerifier() };
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: this.options.redirectUri,
      scope: SCOPES,
      state: pending.state,
      nonce: pending.nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(pending.codeVerifier),
      code_challenge_method: 'S256',
    });
    return { url, pending };
  }

  /** Redeems the code in the callback URL; throws when the answer is an error or fails any check. */
  async finish(callbackUrl: URL, pending: PendingSignIn): Promise<SignedInCustomer> {
    const config = await this.configuration();
    const tokens = await oidc.authorizationCodeGrant(config, callbackUrl, {
      pkceCodeVerifier: pending.codeVerifier,
      expectedState: pending.state,
      expectedNonce: pending.nonce,
      idTokenExpected: true,
    });
    this.jwks = oidc.getJwksCache(config) ?? this.jwks;
    const claims = tokens.claims();
    if (!claims) throw new Error('no ID token');
    return customerFrom(claims);
  }

  /**
   * The provider's metadata is fetched once (and again after a failure, so the shop recovers when Custos starts
   * after it); each use gets a configuration whose clock skew matches the shop's clock at that moment.
   */
  private async configuration(): Promise<oidc.Configuration> {
    const insecure = this.options.issuer.protocol === 'http:';
    this.discovered ??= oidc
      .discovery(this.options.issuer, this.options.clientId, undefined, oidc.ClientSecretBasic(this.options.clientSecret), insecure ? { execute: [oidc.allowInsecureRequests] } : undefined)
      .catch((error: unknown) => {
        this.discovered = undefined;
        throw error;
      });
    const server = (await this.discovered).serverMetadata();
    const skewSeconds = Math.round((this.options.now() - Date.now()) / 1000);
    const config = new oidc.Configuration(server, this.options.clientId, { [oidc.clockSkew]: skewSeconds }, oidc.ClientSecretBasic(this.options.clientSecret));
    // Plain http only where the issuer itself is http: a laptop or a test, never a deployed Custos.
    if (insecure) oidc.allowInsecureRequests(config);
    if (this.jwks) oidc.setJwksCache(config, this.jwks);
    return config;
  }
}

function customerFrom(claims: oidc.IDToken): SignedInCustomer {
  const text = (value: unknown) => (typeof value === 'string' && value.trim() ? value.trim() : undefined);
  const address = claims.address as { formatted?: unknown } | undefined;
  return {
    sub: claims.sub,
    name: text(claims.name) ?? text([claims.given_name, claims.family_name].filter(Boolean).join(' ')),
    email: text(claims.email),
    phone: text(claims.phone_number),
    // OIDC's formatted address has one line per line of the label; one line reads better here.
    address: text(address?.formatted)?.split(/\r?\n/).map((line) => line.trim()).filter(Boolean).join(', '),
  };
}
