import type { Kysely } from 'kysely';
import type { Deps, RequestInfo } from '../platform/context.js';
import type { Database } from '../platform/db/schema.js';
import { AppError, errors } from '../platform/errors.js';
import { constantTimeEqual, sha256 } from '../platform/crypto.js';
import { advanceFlow, type Flow } from '../platform/flows.js';
import { inTransaction } from '../platform/db/transaction.js';
import { findClosure, removeClosure } from '../accounts/closures.js';
import { getAccount, setAccountStatus } from '../accounts/store.js';
import { recordEvent } from '../activity/audit.js';
import { accountReopenedEmail, accountReopenedSms } from './messages.js';
import { tellContacts } from './notices.js';

/**
 * Reopening in the grace period. Decided: never silently. A customer who closed their account and signs in with
 * its password (and its second step, when it has one) is asked "Your account is closed — reopen it?"; only "Reopen"
 * makes it active, and only then is a session made (a closed account gets no token by any route: SECURITY.md
 * "Sign-in"). The sign-in flow waits in state `reopen` meanwhile. A wrong password on a closed account fails
 * exactly like any wrong password: the closure is looked at only after the password matched. An account closed by
 * a merge never reopens by signing in (its identifiers moved to the other account; support undoes merges).
 *
 * The question answers only to whoever proved the password: the flow's id is known to whoever started the flow
 * (it is in every sign-in URL), so someone who got the owner to sign in on their flow must not be able to press
 * "Reopen" and take the session. Stopping at `reopen` keeps a hash of a fresh secret in the flow; the secret goes
 * once, to the client that gave the last proof, joined to the flow id after a `_` (`ReopenNeeded.flowId`, which the
 * API returns as the flow's id and the page's redirect carries once, before it moves into a cookie).
 */
export interface ReopenNeeded {
  state: 'reopen';
  /** `<flow id>_<secret>`: the handle that reopens, or keeps closed, this flow. Still an opaque id (ids in API paths are). */
  flowId: string;
}

export interface ReopenHandle {
  flowId: string;
  secret: string;
}

/**
 * The flow id and secret of a handle. The secret is 128 bits in hex, so the last `_` (which a flow id may hold too)
 * is where it starts; a bare flow id gives an empty secret, which matches nothing.
 */
export function parseReopenHandle(handle: string): ReopenHandle {
  const split = /^(.+)_([0-9a-f]{32})$/.exec(handle);
  return split ? { flowId: split[1]!, secret: split[2]! } : { flowId: handle, secret: '' };
}

export function reopenHandle(handle: ReopenHandle): string {
  return `${handle.flowId}_${handle.secret}`;
}

interface ReopenData {
  reopenHash?: string;
}

/** Throws unless `secret` is the one handed out when this flow stopped at `reopen`. */
export function requireReopenSecret(flow: Flow<unknown>, secret: string): void {
  const hash = (flow.data as ReopenData | null)?.reopenHash;
  if (!hash || !secret || !constantTimeEqual(sha256(secret), hash)) {
    throw new AppError(403, 'signin.reopen_elsewhere', 'Please sign in again in this browser to reopen your account.');
  }
}

export const REOPEN_PAGE = '/signin/reopen';

export function reopenLocation(flowId: string): string {
  return `${REOPEN_PAGE}?flow=${encodeURIComponent(flowId)}`;
}

/** Whether the owner's password may open the way to reopening: closed by its customer, in the grace period. */
export async function reopensBySignin(db: Kysely<Database>, now: number, accountId: string): Promise<boolean> {
  const closure = await findClosure(db, accountId);
  return closure?.reason === 'customer' && closure.erasedAt === null && now < closure.eraseAfter;
}

/**
 * Called where a sign-in flow would end in a session: a closed account's flow stops at `reopen` instead. Only a
 * flow that proved the password gets there; any other way in to a closed account is refused like a wrong guess.
 */
export async function holdForReopen(deps: Deps, flow: Flow<unknown>, from: string, accountId: string, factors: string[]): Promise<ReopenNeeded | undefined> {
  const account = await getAccount(deps.db, accountId);
  if (account?.status !== 'closed') return undefined;
  if (!factors.includes('password') || !(await reopensBySignin(deps.db, deps.clock.now(), accountId))) throw errors.signInFailed();
  const secret = deps.random.bytes(16).toString('hex');
  const data = { ...((flow.data as Record<string, unknown> | null) ?? {}), reopenHash: sha256(secret) };
  await advanceFlow(deps.db, deps.clock, flow, from, { state: 'reopen', accountId, factorsPassed: factors, data });
  return { state: 'reopen', flowId: reopenHandle({ flowId: flow.id, secret }) };
}

/** "Reopen": active again, the closure removed (nothing will be erased), every contact told. Once, even if raced. */
export async function reopenAccount(deps: Deps, accountId: string, info: RequestInfo): Promise<void> {
  const account = await getAccount(deps.db, accountId);
  if (!account) throw errors.notFound('account');
  await inTransaction(deps, async (tx) => {
    if (!(await reopensBySignin(tx.db, tx.clock.now(), accountId))) throw new AppError(410, 'account.not_reopenable', 'This account can no longer be reopened.');
    if (!(await setAccountStatus(tx.db, tx.clock, accountId, { from: 'closed', to: 'active' }))) throw errors.flowState();
    if (!(await removeClosure(tx.db, accountId))) throw new AppError(410, 'account.not_reopenable', 'This account can no longer be reopened.');
    await recordEvent(tx.db, tx.clock, { accountId, type: 'account.reopened', info });
    const now = tx.clock.now();
    await tellContacts(tx, accountId, (to, kind) =>
      kind === 'email' ? accountReopenedEmail({ to, name: account.name, at: now, publicUrl: tx.config.publicUrl, accountId }) : accountReopenedSms({ to, publicUrl: tx.config.publicUrl, accountId }),
    );
  });
}
