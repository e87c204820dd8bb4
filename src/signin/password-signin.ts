import type { ReopenNeeded } from '../closing/reopen.js';
import type { Deps, RequestInfo } from '../platform/context.js';
import { requireState } from '../platform/flows.js';
import { customer } from '../methods/method.js';
import { checkPasswordFactor } from '../methods/password/password-factor.js';
import type { SignedIn } from './complete.js';
import { loadSignin } from './flow.js';
import { nextStep, type SecondStepNeeded } from './next-step.js';
import { askToConfirmClaim, type IdentifierConfirmNeeded } from './claim-confirm.js';

/** The password step: done, or on to the second step (next-step.ts). No session exists until the flow is done. */
export async function submitPassword(deps: Deps, flowId: string, password: string, info: RequestInfo): Promise<SignedIn | SecondStepNeeded | ReopenNeeded | IdentifierConfirmNeeded> {
  const flow = await loadSignin(deps, flowId);
  requireState(flow, 'password');
  const accountId = await checkPasswordFactor(deps, {
    accountId: flow.accountId ?? flow.data.claimant ?? null,
    subject: flow.data.subject ?? 'unknown',
    password,
    info,
    method: 'password',
  });
  // Only an identifier no account has verified is a claim: a closed account's own address goes on to "reopen it?".
  if (flow.data.claimant && !flow.accountId) return askToConfirmClaim(deps, flow, accountId, info);
  return nextStep(deps, { flow, from: 'password', principal: customer(accountId), factors: ['password'] }, info);
}
