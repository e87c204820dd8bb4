import type { FastifyReply, FastifyRequest } from 'fastify';
import type Provider from 'oidc-provider';
import type { Deps } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import type { AuthenticatedSession } from '../../sessions/store.js';
import { SCOPE_CLAIMS, type SigninClaims } from './claims.js';
import { activeSigninGrant, rememberSigninGrant } from './grants.js';

/** A partner sign-in waiting on our pages: who asks, for what, and whether the customer must confirm it is them. */
export interface PendingSignin {
  uid: string;
  partner: { id: string; name: string };
  /** The scopes asked for that we know, `openid` first. */
  scopes: string[];
  /** The origin the browser goes back to: the consent form's redirects end there. */
  redirectOrigin: string;
  /** prompt=consent: ask even if the customer allowed this before. */
  consentAsked: boolean;
  /** prompt=login asks for a confirmation within the last minute; max_age for one within that many seconds. */
  freshWithinMs: number | null;
  /** The provider's own session in this browser, and whom it last signed in. */
  providerSession: { uid: string; accountId: string | undefined } | undefined;
}

const KNOWN_SCOPES = new Set([...Object.keys(SCOPE_CLAIMS), 'offline_access']);
const LOGIN_PROMPT_FRESHNESS_MS = 60_000;

/**
 * The interaction this browser started. The provider finds it by its own signed cookie, bound to the browser that
 * began the authorization: another browser — another customer — with the same uid gets "expired" here.
 */
export async function pendingSignin(provider: Provider, request: FastifyRequest, reply: FastifyReply, uid: string): Promise<PendingSignin> {
  let details: Awaited<ReturnType<Provider['interactionDetails']>>;
  try {
    details = await provider.interactionDetails(request.raw, reply.raw);
  } catch {
    throw expired();
  }
  const clientId = details.params.client_id;
  const client = typeof clientId === 'string' ? await provider.Client.find(clientId) : undefined;
  if (details.uid !== uid || !client) throw expired();
  const requested = String(details.params.scope ?? '').split(' ');
  const maxAge = Number(details.params.max_age);
  const reasons = details.prompt.reasons;
  return {
    uid,
    partner: { id: client.clientId, name: client.clientName ?? client.clientId },
    scopes: ['openid', ...requested.filter((scope) => scope !== 'openid' && KNOWN_SCOPES.has(scope))],
    redirectOrigin: new URL(String(details.params.redirect_uri)).origin,
    consentAsked: String(details.params.prompt ?? '').split(' ').includes('consent'),
    providerSession: details.session ? { uid: details.session.uid, accountId: details.session.accountId } : undefined,
    freshWithinMs: reasons.includes('max_age') && Number.isFinite(maxAge) ? maxAge * 1000 : reasons.includes('login_prompt') ? LOGIN_PROMPT_FRESHNESS_MS : null,
  };
}

/** Whether the partner asked that the customer prove it is them again, and they have not done so recently enough. */
export function needsConfirmation(deps: Pick<Deps, 'clock'>, pending: PendingSignin, session: AuthenticatedSession): boolean {
  return pending.freshWithinMs !== null && deps.clock.now() - session.authenticatedAt > pending.freshWithinMs;
}

/** The customer's earlier consent, if it covers everything asked now and they were not asked to consent again. */
export async function rememberedConsent(deps: Pick<Deps, 'db'>, pending: PendingSignin, accountId: string): Promise<SigninClaims | null> {
  if (pending.consentAsked) return null;
  const grant = await activeSigninGrant(deps, accountId, pending.partner.id);
  if (!grant) return null;
  const asked = new Set([...grant.claims.scopes, ...grant.claims.declined]);
  return pending.scopes.every((scope) => asked.has(scope)) ? grant.claims : null;
}

/**
 * Finishes the interaction for the signed-in customer: the provider's grant holds exactly the allowed scopes (the
 * others marked as asked-and-refused, so it does not ask again) and the consent is remembered. Returns where the
 * browser goes next. (The sign-in itself is recorded when the code is issued: signin-record.ts.)
 */
export async function finishSignin(
  deps: Deps,
  provider: Provider,
  http: { request: FastifyRequest; reply: FastifyReply },
  input: { pending: PendingSignin; session: AuthenticatedSession; claims: SigninClaims; fresh: boolean },
): Promise<string> {
  const { pending, session, claims } = input;
  const accountId = session.accountId;
  const previous = await activeSigninGrant(deps, accountId, pending.partner.id);
  const existing = previous?.oidcGrantId ? await provider.Grant.find(previous.oidcGrantId) : undefined;
  const grant = existing && existing.accountId === accountId && existing.clientId === pending.partner.id ? existing : new provider.Grant({ accountId, clientId: pending.partner.id });
  const allowed = pending.scopes.filter((scope) => claims.scopes.includes(scope));
  grant.addOIDCScope(allowed);
  const refused = pending.scopes.filter((scope) => !claims.scopes.includes(scope));
  if (refused.length) grant.rejectOIDCScope(refused);
  const grantId = await grant.save();
  if (input.fresh || grantId !== previous?.oidcGrantId) await rememberSigninGrant(deps, { accountId, partnerId: pending.partner.id, claims, oidcGrantId: grantId });
  const next = await provider.interactionResult(
    http.request.raw,
    http.reply.raw,
    { login: { accountId, ts: Math.floor(session.authenticatedAt / 1000), amr: session.factors }, consent: { grantId } },
    { mergeWithLastSubmission: false },
  );
  // After the result is stored (the provider checks the session's principal while storing it), before it is used.
  await forgetOtherCustomer(provider, pending, accountId);
  return next;
}

/**
 * Another customer signed in to the store in this browser since the provider last saw it: the provider would end
 * its session through an auto-submitting script page, which our policy forbids, so its account is cleared here
 * and the session goes on for the customer signed in now.
 */
async function forgetOtherCustomer(provider: Provider, pending: PendingSignin, accountId: string): Promise<void> {
  const previous = pending.providerSession;
  if (!previous?.accountId || previous.accountId === accountId) return;
  const session = await provider.Session.findByUid(previous.uid);
  if (!session) return;
  session.accountId = undefined;
  session.authorizations = {};
  // The provider's own expiry, on its own (system) clock.
  await session.save(Math.max(1, session.exp - Math.floor(Date.now() / 1000)));
}

/** "Don't allow": the partner hears access_denied (RFC 6749 4.1.2.1). */
export function refuseSignin(provider: Provider, request: FastifyRequest, reply: FastifyReply): Promise<string> {
  return provider.interactionResult(request.raw, reply.raw, { error: 'access_denied', error_description: 'The customer did not allow the sign-in.' }, { mergeWithLastSubmission: false });
}

function expired(): AppError {
  return new AppError(400, 'partner_signin.expired', 'This sign-in request has expired or was started in another browser. Go back to the site you came from and start again.');
}
