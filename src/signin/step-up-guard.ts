import type { Guard } from '../platform/http/guard.js';
import { SIGNIN_PAGE, signedIn, type SignedIn } from '../sessions/guards.js';
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
    redirect: (refusal) => (refusal.status === 401 ? SIGNIN_PAGE : stepUpLocation(returnTo)),
    returningTo: stepUpGuard,
  };
}

export const recentStepUp = stepUpGuard(DEFAULT_RETURN_PATH);
