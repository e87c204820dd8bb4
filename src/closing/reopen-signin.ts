import type { Deps, RequestInfo } from '../platform/context.js';
import { expireFlows, requireState } from '../platform/flows.js';
import { completeSignin, type SignedIn } from '../signin/complete.js';
import { loadSignin, type SigninFlow } from '../signin/flow.js';
import { reopenAccount, requireReopenSecret, type ReopenHandle, type ReopenNeeded } from './reopen.js';

/**
 * "Reopen": the sign-in flow that stopped at `reopen` (it proved the password, and the second step when there is
 * one) reopens the account and only then ends in a session, with exactly the factors it proved — for the holder of
 * the secret handed out at that stop, nobody else who knows the flow id.
 */
export async function reopenAndSignIn(deps: Deps, handle: ReopenHandle, info: RequestInfo): Promise<SignedIn | ReopenNeeded> {
  const flow = await waitingFlow(deps, handle);
  const accountId = flow.accountId!;
  await reopenAccount(deps, accountId, info);
  return completeSignin(deps, flow, { from: 'reopen', accountId, factors: flow.factorsPassed, method: flow.factorsPassed.join('+'), info });
}

/** "Keep it closed": the flow ends here, so nothing can reopen through it later; the account stays as it was. */
export async function keepClosed(deps: Deps, handle: ReopenHandle): Promise<void> {
  const flow = await waitingFlow(deps, handle);
  await expireFlows(deps.db, deps.clock, [flow.id]);
}

/** Whether the flow waits at `reopen` for this secret; false when it is unknown, expired, finished or not this one's. */
export async function waitingToReopen(deps: Deps, handle: ReopenHandle): Promise<boolean> {
  try {
    await waitingFlow(deps, handle);
    return true;
  } catch {
    return false;
  }
}

async function waitingFlow(deps: Deps, handle: ReopenHandle): Promise<SigninFlow> {
  const flow = await loadSignin(deps, handle.flowId);
  requireState(flow, 'reopen');
  requireReopenSecret(flow, handle.secret);
  return flow;
}
