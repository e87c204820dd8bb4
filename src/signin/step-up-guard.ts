import type { FastifyRequest } from 'fastify';
import type { Guard } from '../platform/http/guard.js';
import { RETURN_TO_MAX } from '../platform/web/return-to.js';
import { signedIn, signinLocation, type SignedIn } from '../sessions/guards.js';
import { requireRecentStepUp } from './step-up.js';
import { DEFAULT_RETURN_PATH, stepUpLocation, type ReturnPath } from './return-paths.js';

/**
 * A signed-in customer who confirmed their password in the last few minutes, before a sensitive change
 * (ASVS 7.5.1). A page whose guard refuses sends the browser to sign in, or to confirm the password and come
 * back to `returningTo(path)`, one of the allow-listed return paths.
 */
export interface StepUpGuard extends Guard<SignedIn> {
  returningTo(path: ReturnPath): Guard<SignedIn>;
}

function stepUpGuard(returnTo: ReturnPath): StepUpGuard {
  return {
    name: 'recent-step-up',
    security: signedIn.security,
    async resolve(request, deps) {
      const given = await signedIn.resolve(request, deps);
      requireRecentStepUp(deps, given.session);
      return given;
    },
    // Signed out: sign in and come back here. Signed in: confirm the password and come back to the allow-listed
    // page, with the journey's own return_to (checked again where used) kept on the way.
    redirect: (refusal, request) => (refusal.status === 401 ? signinLocation(request) : stepUpLocation(returnTo, journeyReturnTo(request))),
    returningTo: stepUpGuard,
  };
}

export const recentStepUp = stepUpGuard(DEFAULT_RETURN_PATH);

/** The `return_to` of a refused GET (…/cards/new?return_to=/pay/…), to carry through the confirmation. */
function journeyReturnTo(request: FastifyRequest): string | undefined {
  if (request.method !== 'GET') return undefined;
  const value = (request.query as Record<string, unknown> | undefined)?.return_to;
  return typeof value === 'string' && value.length <= RETURN_TO_MAX ? value : undefined;
}
