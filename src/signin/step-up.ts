import type { Deps, RequestInfo } from '../platform/context.js';
import { MINUTE } from '../platform/clock.js';
import { errors } from '../platform/errors.js';
import { recordEvent } from '../activity/audit.js';
import { reauthenticateSession, type AuthenticatedSession } from '../sessions/store.js';
import { checkPasswordFactor } from '../methods/password/password-factor.js';

/**
 * Step-up ("confirm your password") before sensitive changes (ASVS 7.5.1). It goes through the same password
 * check and throttle as sign-in, and issues a new session token (ASVS 7.2.4).
 */
export async function stepUp(deps: Deps, session: AuthenticatedSession, password: string, info: RequestInfo): Promise<string> {
  await checkPasswordFactor(deps, { accountId: session.accountId, subject: session.accountId, password, info, method: 'step_up' });
  const token = await reauthenticateSession(deps, session.sessionId);
  await recordEvent(deps.db, deps.clock, { accountId: session.accountId, type: 'stepup.succeeded', info });
  return token;
}

export function hasRecentStepUp(deps: Deps, session: AuthenticatedSession): boolean {
  return deps.clock.now() - session.authenticatedAt < deps.config.stepUpMinutes * MINUTE;
}

export function requireRecentStepUp(deps: Deps, session: AuthenticatedSession): void {
  if (!hasRecentStepUp(deps, session)) throw errors.stepUpRequired();
}
