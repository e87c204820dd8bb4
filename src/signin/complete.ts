import type { Deps, RequestInfo } from '../platform/context.js';
import { advanceFlow, type Flow } from '../platform/flows.js';
import type { SigninData } from './flow.js';
import { recordEvent } from '../activity/audit.js';
import { noteSuccessfulSignin } from '../notify/signin-alerts.js';
import { createSession } from '../sessions/store.js';
import { rememberDeviceForSecondStep } from '../methods/remembered-device/remembered-devices.js';
import { holdForReopen, type ReopenNeeded } from '../closing/reopen.js';

/**
 * The only way a sign-in flow ends in a session: the flow moves to `done` (once — the conditional update
 * refuses a second finisher), then the session is made with exactly the factors the flow proved.
 */
export interface SignedIn {
  state: 'done';
  token: string;
  sessionId: string;
  expiresAt: number;
  accountId: string;
  /** Set when the customer asked to skip the second step on this device for 30 days. */
  remember?: { token: string; expiresAt: number };
  /** Where the flow was asked to end (SigninData.returnTo), checked again where it is used. */
  returnTo?: string;
}

function returnToOf(flow: Flow<unknown>): string | undefined {
  const data = flow.data as Partial<SigninData> | null;
  return typeof data?.returnTo === 'string' ? data.returnTo : undefined;
}

export async function completeSignin(
  deps: Deps,
  flow: Flow<unknown>,
  input: { from: string; accountId: string; factors: string[]; method: string; info: RequestInfo; rememberDevice?: boolean },
): Promise<SignedIn | ReopenNeeded> {
  // A closed account gets no session: its owner is asked whether to reopen it first (closing/reopen.ts).
  const reopen = await holdForReopen(deps, flow, input.from, input.accountId, input.factors);
  if (reopen) return reopen;
  await advanceFlow(deps.db, deps.clock, flow, input.from, { state: 'done', accountId: input.accountId, factorsPassed: input.factors, done: true });
  const session = await createSession(deps, { accountId: input.accountId, factors: input.factors, info: input.info });
  const { newDevice } = await noteSuccessfulSignin(deps, input.accountId, input.info);
  await recordEvent(deps.db, deps.clock, {
    accountId: input.accountId,
    type: 'signin.succeeded',
    info: input.info,
    detail: { method: input.method, session: session.sessionId, newDevice },
  });
  const remember = input.rememberDevice ? await rememberDeviceForSecondStep(deps.db, deps.clock, deps.random, input.accountId, input.info) : undefined;
  return { state: 'done', ...session, accountId: input.accountId, remember, returnTo: returnToOf(flow) };
}
