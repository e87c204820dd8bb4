import type { Deps, RequestInfo } from '../platform/context.js';
import { requireState } from '../platform/flows.js';
import { completeSignin, type SignedIn } from '../signin/complete.js';
import { loadSignin } from '../signin/flow.js';
import { reopenAccount, type ReopenNeeded } from './reopen.js';

/**
 * "Reopen": the sign-in flow that stopped at `reopen` (it proved the password, and the second step when there is
 * one) reopens the account and only then ends in a session, with exactly the factors it proved.
 */
export async function reopenAndSignIn(deps: Deps, flowId: string, info: RequestInfo): Promise<SignedIn | ReopenNeeded> {
  const flow = await loadSignin(deps, flowId);
  requireState(flow, 'reopen');
  const accountId = flow.accountId!;
  await reopenAccount(deps, accountId, info);
  return completeSignin(deps, flow, { from: 'reopen', accountId, factors: flow.factorsPassed, method: flow.factorsPassed.join('+'), info });
}

/** The flow waiting at `reopen`, or nothing when it is unknown, expired, finished or at another step. */
export async function waitingToReopen(deps: Deps, flowId: string): Promise<boolean> {
  try {
    requireState(await loadSignin(deps, flowId), 'reopen');
    return true;
  } catch {
    return false;
  }
}
