import type { Deps, RequestInfo } from '../platform/context.js';
import { recordEvent } from '../activity/audit.js';
import { getAccount } from '../accounts/store.js';
import { sendSecurityNotice } from '../notify/security-notices.js';
import { endOtherSessions, endSession, type AuthenticatedSession } from './store.js';
import { inTransaction } from '../platform/db/transaction.js';

/** Ending sessions, with the audit trail and the customer's notice that go with it (ASVS 7.4.1, 7.5.2). */
export async function signOut(deps: Deps, session: AuthenticatedSession, info: RequestInfo): Promise<void> {
  await endSession(deps, session.accountId, session.sessionId);
  await recordEvent(deps.db, deps.clock, { accountId: session.accountId, type: 'signout', info });
}

export async function endOneSession(deps: Deps, session: AuthenticatedSession, sessionId: string, info: RequestInfo): Promise<boolean> {
  const ended = await endSession(deps, session.accountId, sessionId);
  if (ended) await recordEvent(deps.db, deps.clock, { accountId: session.accountId, type: 'session.ended', info, detail: { current: sessionId === session.sessionId } });
  return ended;
}

export async function endAllOtherSessions(deps: Deps, session: AuthenticatedSession, info: RequestInfo): Promise<number> {
  const account = await getAccount(deps.db, session.accountId);
  const ended = await inTransaction(deps, async (tx) => {
    const count = await endOtherSessions(tx, session.accountId, session.sessionId);
    await recordEvent(tx.db, tx.clock, { accountId: session.accountId, type: 'sessions.ended_others', info, detail: { count } });
    if (account) await sendSecurityNotice(tx, { accountId: session.accountId, name: account.name, change: 'sessions_ended', info });
    return count;
  });
  return ended;
}
