import Provider, { interactionPolicy, type Account, type KoaContextWithOIDC } from 'oidc-provider';
import type { Deps } from '../../platform/context.js';
import { hmac } from '../../platform/crypto.js';
import { allKeys } from '../../platform/keyring.js';
import { SESSION_COOKIE } from '../../platform/http/session-cookie.js';
import { authenticateToken } from '../../sessions/store.js';
import { partnerSecretMatches } from '../partners.js';
import { subjectFor } from '../subjects.js';
import { databaseAdapter } from './adapter.js';
import { consentedClaims, SCOPE_CLAIMS } from './claims.js';
import { activeSigninGrant } from './grants.js';
import { TTL_SECONDS } from './lifetimes.js';
import { renderProviderError } from './provider-error-page.js';
import { signingKeys } from './signing-keys.js';

/** Where the provider is mounted (app.ts) and so the issuer's path. */
export const OIDC_PATH = '/oidc';

/** The page of ours the provider sends the browser to whenever the customer must sign in or consent. */
export function interactionPath(uid: string): string {
  return `/partner-signin/${uid}`;
}

/**
 * The OpenID Connect provider behind "Sign in with <store>": authorization code flow with PKCE only, pairwise
 * subjects, our database for storage, our signing keys, the partners table for clients, and our own pages for
 * sign-in and consent. Everything the library would default loosely is set here explicitly.
 */
export async function createOidcProvider(deps: Deps): Promise<Provider> {
  const { config } = deps;
  const provider = new Provider(`${config.publicUrl}${OIDC_PATH}`, {
    adapter: databaseAdapter(deps),
    jwks: { keys: await signingKeys(deps) },
    // Its cookies (interaction, resume, session) are signed with keys derived from SECRET and PREVIOUS_SECRETS.
    cookies: { keys: allKeys(config.keys).map((key) => hmac(key.secret, 'oidc-cookies')) },
    // HTTP Basic, as on the partner API; no client_secret_jwt (it would key JWTs with the stored hash).
    clientAuthMethods: ['client_secret_basic'],
    enabledJWA: { idTokenSigningAlgValues: ['RS256'], userinfoSigningAlgValues: ['RS256'] },
    responseTypes: ['code'],
    pkce: { required: () => true },
    subjectTypes: ['pairwise'],
    pairwiseIdentifier: (_ctx, accountId, client) => subjectFor(deps, client.clientId, accountId),
    // The ID token carries what the customer consented to, not only `sub` (the code flow's default).
    conformIdTokenClaims: false,
    scopes: ['openid', 'offline_access', ...Object.keys(SCOPE_CLAIMS).filter((scope) => scope !== 'openid')],
    claims: Object.fromEntries(Object.entries(SCOPE_CLAIMS).map(([scope, claims]) => [scope, [...claims]])),
    findAccount: (ctx, accountId, token) => findAccount(deps, accountId, token?.clientId ?? ctx.oidc.client?.clientId),
    interactions: { url: (_ctx, interaction) => interactionPath(interaction.uid), policy: signInPolicy(deps) },
    features: {
      devInteractions: { enabled: false },
      pushedAuthorizationRequests: { enabled: true },
      backchannelLogout: { enabled: true },
      rpInitiatedLogout: { enabled: false },
      revocation: { enabled: true },
      userinfo: { enabled: true },
      registration: { enabled: false },
      introspection: { enabled: false },
    },
    ttl: { ...TTL_SECONDS },
    rotateRefreshToken: true,
    renderError: renderProviderError,
    // The provider refuses to send back-channel logouts to private addresses (SSRF); tests and a partner run
    // beside the service in development may lift that with PARTNER_LOGOUT_ALLOW_PRIVATE=1 (never in production).
    ...(config.partnerLogoutAllowPrivate ? { fetch: (url: string | URL | Request, options?: RequestInit) => fetch(url, { ...options, dispatcher: undefined } as RequestInit) } : {}),
  });
  // Behind a TLS-terminating proxy the issuer is https while the request is http: believe X-Forwarded-Proto.
  provider.proxy = config.trustProxy !== false;
  // Only the secret's hash is stored: compare what the partner presents with it, never plaintext with plaintext.
  provider.Client.prototype.compareClientSecret = function compareClientSecret(this: { clientSecret: string }, presented: string) {
    return Promise.resolve(typeof presented === 'string' && partnerSecretMatches(this.clientSecret, presented));
  };
  return provider;
}

async function findAccount(deps: Deps, accountId: string, partnerId: string | undefined): Promise<Account | undefined> {
  const account = await deps.db.selectFrom('accounts').select(['id', 'status']).where('id', '=', accountId).executeTakeFirst();
  // A locked or closed account signs in nowhere, and its tokens stop answering.
  if (!account || account.status !== 'active' || !partnerId) return undefined;
  return {
    accountId,
    claims: async (_use, scope) => {
      const grant = await activeSigninGrant(deps, accountId, partnerId);
      const granted = grant ? await consentedClaims(deps, accountId, grant.claims, new Set(scope.split(' '))) : {};
      return { sub: accountId, ...granted };
    },
  };
}

/**
 * The provider's own policy, plus one rule: its session stands only while this browser is signed in to Custos as
 * the same customer. Signing out of Custos (or in as someone else) sends the next authorization to our pages.
 */
function signInPolicy(deps: Deps) {
  const { Check, base } = interactionPolicy;
  const policy = base();
  policy.get('login')!.checks.add(
    new Check('custos_session', 'The customer must be signed in to the store', async (ctx: KoaContextWithOIDC) => {
      if (ctx.oidc.result?.login) return Check.NO_NEED_TO_PROMPT;
      const token = ctx.cookies.get(SESSION_COOKIE);
      const session = token ? await authenticateToken(deps, token) : null;
      return session !== null && session.accountId === ctx.oidc.session?.accountId ? Check.NO_NEED_TO_PROMPT : Check.REQUEST_PROMPT;
    }),
  );
  return policy;
}
