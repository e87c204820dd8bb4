import type { FastifyRequest } from 'fastify';
import type { Deps } from '../platform/context.js';
import { errors } from '../platform/errors.js';
import type { Guard, OpenApiSecurity } from '../platform/http/guard.js';
import { readSessionToken, SESSION_COOKIE } from '../platform/http/session-cookie.js';
import type { GuardedPage } from '../platform/web/page-routes.js';
import { RETURN_TO_MAX, returnToQuery } from '../platform/web/return-to.js';
import { authenticateToken, type AuthenticatedSession } from './store.js';

/**
 * Who is signed in, for routes: a session token from the cookie (pages, same-site shops) or an Authorization:
 * Bearer header (API clients), checked against the store (sessions/store.ts) on every request.
 */
export interface SignedIn {
  session: AuthenticatedSession;
  displayName: string;
}

const SESSION_SECURITY: OpenApiSecurity = {
  requirements: [{ session: [] }, { bearer: [] }],
  schemes: {
    session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE },
    bearer: { type: 'http', scheme: 'bearer' },
  },
};

/** Where a browser goes to sign in. */
export const SIGNIN_PAGE = '/signin';

/**
 * The sign-in page, for a browser a guard refused, coming back afterwards to the page it asked for: the path and
 * query of a GET (checked like any return_to when used). A refused POST's form page is unknown: just sign in.
 */
export function signinLocation(request: FastifyRequest): string {
  const asked = request.method === 'GET' || request.method === 'HEAD' ? request.url : undefined;
  return `${SIGNIN_PAGE}${returnToQuery(asked && asked.length <= RETURN_TO_MAX ? asked : undefined)}`;
}

async function currentSession(request: FastifyRequest, deps: Deps): Promise<AuthenticatedSession | null> {
  const token = readSessionToken(request);
  return token ? authenticateToken(deps, token) : null;
}

/** A signed-in customer; a browser without a session is sent to sign in. */
export const signedIn: Guard<SignedIn> = {
  name: 'signed-in',
  security: SESSION_SECURITY,
  async resolve(request, deps) {
    const session = await currentSession(request, deps);
    if (!session) throw errors.unauthenticated();
    return { session, displayName: session.accountName };
  },
  redirect: (_refusal, request) => signinLocation(request),
};

export interface SignedInOrNot {
  session: AuthenticatedSession | null;
  displayName?: string;
}

/** Signed in or not: never refuses. Pages open to anyone greet a signed-in customer by name through it. */
export const signedInOrNot: Guard<SignedInOrNot> = {
  name: 'signed-in-or-not',
  security: { requirements: [{}, ...SESSION_SECURITY.requirements], schemes: SESSION_SECURITY.schemes },
  async resolve(request, deps) {
    const session = await currentSession(request, deps);
    return session ? { session, displayName: session.accountName } : { session: null };
  },
};

/** A page only a signed-in customer reaches. */
export type SignedInPage = GuardedPage<SignedIn>;

/** A page open to anyone that shows or does something more for a signed-in customer. */
export type SignedInOrNotPage = GuardedPage<SignedInOrNot>;
