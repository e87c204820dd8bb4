import { reopenLocation, type ReopenNeeded } from '../closing/reopen.js';
import type { FastifyReply } from 'fastify';
import type { Config } from '../config.js';
import type { RequestInfo } from '../platform/context.js';
import { ApiAnswer } from '../platform/http/api.js';
import { setDeviceCookie, setRememberCookie } from '../platform/http/request-info.js';
import { setSessionCookie } from '../platform/http/session-cookie.js';
import { iso } from '../platform/format.js';
import type { SignedIn } from './complete.js';
import type { SecondStepNeeded } from './next-step.js';
import type { IdentifierConfirmNeeded } from './claim-confirm.js';
import { SIGNED_IN_PAGE } from './continue-signin.js';
import { safeReturnTo } from '../platform/web/return-to.js';

/**
 * How every JSON sign-in route answers: 201 with the session (and its cookies: session, device, remember) when
 * the flow is done, or 200 naming the second-step methods when it isn't (or, for an imported account's unproven
 * email or phone, 200 with state confirm_identifier: a code went there). `next` is where a browser goes now;
 * `return_to`, only when the flow was started with one that is still safe, is that same destination.
 */
export function signinAnswer(reply: FastifyReply, config: Config, result: SignedIn | SecondStepNeeded | ReopenNeeded | IdentifierConfirmNeeded, info: RequestInfo): ApiAnswer {
  if (result.state === 'confirm_identifier') {
    return new ApiAnswer(200, {
      flow: { id: result.flowId, state: result.state, channel: result.channel },
      next: `/signin/confirm-identifier?flow=${encodeURIComponent(result.flowId)}`,
    });
  }
  if (result.state === 'second_factor') {
    return new ApiAnswer(200, {
      flow: { id: result.flowId, state: result.state, methods: result.methods },
      next: `/signin/verify?flow=${encodeURIComponent(result.flowId)}`,
    });
  }
  // A closed account's owner: no session until they choose to reopen it (closing/reopen.ts).
  if (result.state === 'reopen') return new ApiAnswer(200, { flow: { id: result.flowId, state: result.state }, next: reopenLocation(result.flowId) });
  setSessionCookie(reply, config, result.token, result.expiresAt);
  setDeviceCookie(reply, config, info);
  setRememberCookie(reply, config, result.remember);
  // The shop's own front end may follow `return_to` itself; a browser script follows `next`.
  const returnTo = safeReturnTo(result.returnTo, config);
  return new ApiAnswer(201, {
    flow: { state: 'done' },
    session: { token: result.token, expires_at: iso(result.expiresAt) },
    next: returnTo ?? SIGNED_IN_PAGE,
    ...(returnTo ? { return_to: returnTo } : {}),
  });
}
