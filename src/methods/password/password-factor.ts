import type { Deps, RequestInfo } from '../../platform/context.js';
import { errors } from '../../platform/errors.js';
import { verifyAttempt } from '../../signin/verify-attempt.js';
import { customer } from '../method.js';
import { passwordMethod } from './password-method.js';

/**
 * The one place a password is checked — sign-in, step-up and password change all come here, so every route
 * shares the same throttle (ASVS 6.3.4). Every failure gets one error and one status (ASVS 6.3.8). Returns the
 * account whose password it was.
 */
export async function checkPasswordFactor(
  deps: Deps,
  input: { accountId: string | null; subject: string; password: string; info: RequestInfo; method: 'password' | 'step_up' },
): Promise<string> {
  const principal = input.accountId ? customer(input.accountId) : null;
  await verifyAttempt(
    deps,
    {
      scope: 'password',
      subject: input.subject,
      accountId: input.accountId,
      info: input.info,
      method: input.method,
      failedEvent: input.method === 'step_up' ? 'stepup.failed' : 'signin.failed',
      refuse: () => errors.signInFailed(),
    },
    () => passwordMethod.verify(deps, principal, { password: input.password }, { info: input.info }),
  );
  // Accepted, so the account exists.
  return principal!.id;
}
