import { reopenLocation, type ReopenNeeded } from '../closing/reopen.js';
import type { FastifyReply } from 'fastify';
import type { Page } from '../platform/web/page-routes.js';
import { safeReturnTo } from '../platform/web/return-to.js';
import type { SignedIn } from './complete.js';
import type { SecondStepNeeded } from './next-step.js';
import type { IdentifierConfirmNeeded } from './claim-confirm.js';

/**
 * Where a browser goes once a factor passed: on to the second step, or signed in — back where the sign-in was
 * asked to return (checked again here), else to Your Account.
 */
export function continueSignin(page: Page, result: SignedIn | SecondStepNeeded | ReopenNeeded | IdentifierConfirmNeeded): FastifyReply {
  if (result.state === 'confirm_identifier') return page.redirect(`/signin/confirm-identifier?flow=${encodeURIComponent(result.flowId)}`);
  if (result.state === 'second_factor') return page.redirect(`/signin/verify?flow=${encodeURIComponent(result.flowId)}`);
  if (result.state === 'reopen') return page.redirect(reopenLocation(result.flowId));
  page.signIn(result);
  return page.redirect(safeReturnTo(result.returnTo, page.deps.config) ?? SIGNED_IN_PAGE);
}

/** Where a sign-in ends without a destination of its own. */
export const SIGNED_IN_PAGE = '/account';
