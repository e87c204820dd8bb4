import type { Deps, RequestInfo } from '../platform/context.js';
import { DAY } from '../platform/clock.js';
import { inTransaction } from '../platform/db/transaction.js';
import { lockAccountRow } from '../platform/db/lock-account-row.js';
import { advanceFlow, expireFlows } from '../platform/flows.js';
import type { AuthenticatedSession } from '../sessions/store.js';
import { endOtherSessions } from '../sessions/store.js';
import { getAccount, listIdentifiers, setAccountStatus } from '../accounts/store.js';
import { recordClosure } from '../accounts/closures.js';
import { recordEvent } from '../activity/audit.js';
import { endPartnerGrants } from '../partners/oidc/end-grants.js';
import { codeDeps, voidAccountCodes, type CodePurpose } from '../verification/codes.js';
import { maskEmail, maskPhone } from '../notify/mask.js';
import { loadMerge, mergeErrors, requireStep } from './merge-flow.js';
import { insertMerge, insertMoves, moveActivity, moveRows, newMergeId, type Move } from './merge-store.js';
import { moveIdentifiersAsAliases } from './alias-store.js';
import { MOVED_ROWS } from './merge-tables.js';
import { clearDefaultsTaken } from './defaults.js';
import { tellBoth } from './notices.js';

/**
 * The merge itself: ONE transaction. Both account rows are locked first, in a fixed order (by id), so two merges of
 * the same accounts — or A into B and B into A at once — queue instead of interleaving; the one that waited finds an
 * account no longer active and answers 409 `merge.account_changed`. Every moved row id is written to the merge
 * record, which is what an undo (support-undo.ts) puts back. merge-tables.ts says what each table does.
 */
export const UNDO_DAYS = 30;

const EVERY_PURPOSE: CodePurpose[] = ['signup_email', 'email_change', 'phone_confirm', 'signin_sms', 'password_reset', 'lost_factor_email', 'lost_factor_sms', 'secure_account', 'support_caller', 'merge_email', 'merge_sms'];

export interface MergeDone {
  mergeId: string;
  moved: Record<string, number>;
}

export async function confirmMerge(deps: Deps, session: AuthenticatedSession, flowId: string, info: RequestInfo): Promise<MergeDone> {
  const flow = await loadMerge(deps, session, flowId);
  requireStep(flow, 'ready');
  const intoId = session.accountId;
  const fromId = flow.data.targetId!;
  return inTransaction(deps, async (tx) => {
    for (const id of [intoId, fromId].sort()) await lockAccountRow(tx.db, id);
    // Read after the locks: the merge that waited sees what the first one did (an account closed) and says so.
    const [into, from] = await Promise.all([getAccount(tx.db, intoId), getAccount(tx.db, fromId)]);
    if (into?.status !== 'active' || from?.status !== 'active') throw mergeErrors.changed();
    // Inside the transaction: a merge that fails leaves the flow ready; of two confirms of one flow, one moves it.
    await advanceFlow(tx.db, tx.clock, flow, 'ready', { state: 'done', done: true });

    const now = tx.clock.now();
    const mergeId = newMergeId();
    const [intoContacts, fromContacts] = await Promise.all([listIdentifiers(tx.db, intoId), listIdentifiers(tx.db, fromId)]);
    const fromLabel = labelOf(fromContacts);
    const intoLabel = labelOf(intoContacts);

    const moves: Move[] = await clearDefaultsTaken(tx.db, fromId, intoId);
    const withPrior = new Set(moves.map((m) => `${m.table}:${m.rowId}`));
    const moved: Record<string, number> = {};
    for (const table of MOVED_ROWS) {
      const ids = await moveRows(tx.db, table, fromId, intoId);
      moved[table] = ids.length;
      for (const rowId of ids) if (!withPrior.has(`${table}:${rowId}`)) moves.push({ table, rowId, prior: null });
    }
    const activity = await moveActivity(tx.db, fromId, intoId, fromLabel);
    moved.audit_events = activity.length;
    moves.push(...activity.map((rowId) => ({ table: 'audit_events', rowId, prior: null })));
    const identifiers = await moveIdentifiersAsAliases(tx.db, fromId, intoId);
    moved.identifiers = identifiers.length;
    moves.push(...identifiers.map((i) => ({ table: 'identifiers', rowId: i.id, prior: null })));

    await insertMerge(tx.db, { id: mergeId, intoAccountId: intoId, fromAccountId: fromId, fromLabel, summary: moved, identifiers, mergedAt: now, undoUntil: now + UNDO_DAYS * DAY });
    await insertMoves(tx.db, mergeId, moves);

    // What ends with B: every session (pre-hijacking: an unexpired session), open flows, unused codes, partner grants.
    await endOtherSessions(tx, fromId, null);
    const open = await tx.db.selectFrom('flows').select('id').where('account_id', '=', fromId).where('completed_at', 'is', null).execute();
    await expireFlows(tx.db, tx.clock, open.map((f) => f.id));
    await voidAccountCodes(codeDeps(tx), fromId, EVERY_PURPOSE);
    await endPartnerGrants(tx, fromId, 'account_merged');
    if (!(await setAccountStatus(tx.db, tx.clock, fromId, { from: 'active', to: 'closed' }))) throw mergeErrors.changed();
    await recordClosure(tx.db, tx.clock, { accountId: fromId, reason: 'merged', mergedInto: intoId, eraseAfter: now + UNDO_DAYS * DAY });

    const proven = (flow.data.proven ?? []).join('+');
    await recordEvent(tx.db, tx.clock, { accountId: intoId, type: 'account.merged_in', info, detail: { other: fromLabel, merge: mergeId, proven } });
    await recordEvent(tx.db, tx.clock, { accountId: fromId, type: 'account.merged_out', info, detail: { other: intoLabel, merge: mergeId } });
    await tellBoth(tx, { intoId, intoName: into.name, intoContacts, intoLabel, fromId, fromName: from.name, fromContacts, fromLabel, notices: ['merged_in', 'merged_out'] });
    return { mergeId, moved };
  });
}

/** An account as the other side sees it: its primary email (or phone), masked. */
export function labelOf(contacts: Array<{ kind: 'email' | 'phone'; normalized: string; verified: boolean; isPrimary: boolean }>): string {
  const email = contacts.find((c) => c.kind === 'email' && c.verified && c.isPrimary) ?? contacts.find((c) => c.kind === 'email' && c.verified);
  if (email) return maskEmail(email.normalized);
  const phone = contacts.find((c) => c.kind === 'phone' && c.verified);
  return phone ? maskPhone(phone.normalized) : 'another account';
}
