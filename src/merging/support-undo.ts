import type { Deps } from '../platform/context.js';
import { AppError, errors } from '../platform/errors.js';
import { inTransaction } from '../platform/db/transaction.js';
import { lockAccountRow } from '../platform/db/lock-account-row.js';
import { getAccount, listIdentifiers, setAccountStatus } from '../accounts/store.js';
import { removeClosure } from '../accounts/closures.js';
import { recordEvent } from '../activity/audit.js';
import { auditStaff } from '../staff/audit.js';
import type { StaffMember } from '../staff/staff-guard.js';
import { requireWindow } from '../support/window.js';
import { spendAgentAllowance } from '../support/agent-limits.js';
import { maskEmail, maskPhone } from '../notify/mask.js';
import { getMerge, isMovedRowTable, listMoves, markUndone, moveActivityBack, moveRowsBack } from './merge-store.js';
import { restoreIdentifiers } from './alias-store.js';
import { restoreDefaults } from './defaults.js';
import { MOVED_ROWS } from './merge-tables.js';
import { labelOf } from './merge.js';
import { tellBoth } from './notices.js';

/**
 * Support undoes a merge within its 30 days (`merges.undo`, supervisors and admins, inside the agent's verified-caller
 * window on the receiving account): ONE transaction, both rows locked in the merge's fixed order, that moves back
 * what still belongs to A from the merge record, gives B back its identifiers (one another account has proven since
 * is reported, not taken), reopens B, and writes the staff audit and both activity logs, telling both sides.
 * After the window, or once B's data was erased, it refuses with `merge.undo_expired`.
 */
export interface UndoResult {
  moved: Record<string, number>;
  /** B's identifiers another account has proven since the merge, masked: they stay where they are. */
  notRestored: string[];
}

export const undoErrors = {
  expired: () => new AppError(409, 'merge.undo_expired', 'This merge is more than 30 days old, so it can no longer be undone.'),
  undone: () => new AppError(409, 'merge.already_undone', 'This merge was already undone.'),
  changed: () => new AppError(409, 'merge.account_changed', 'One of the two accounts has changed since the merge (closed again, or merged elsewhere), so it cannot be undone here.'),
};

export async function undoMerge(deps: Deps, staff: StaffMember, mergeId: string): Promise<UndoResult> {
  const merge = await getMerge(deps.db, mergeId);
  if (!merge) throw errors.notFound('merge');
  const window = await requireWindow(deps, staff, merge.intoAccountId, 'merges.undo');
  await spendAgentAllowance(deps, staff, 'action');
  if (merge.state === 'undone') throw undoErrors.undone();
  if (deps.clock.now() > merge.undoUntil) throw undoErrors.expired();
  const { intoAccountId: intoId, fromAccountId: fromId } = merge;
  return inTransaction(deps, async (tx) => {
    for (const id of [intoId, fromId].sort()) await lockAccountRow(tx.db, id);
    if (!(await markUndone(tx.db, mergeId, tx.clock.now(), staff.id))) throw undoErrors.undone();
    const [into, from] = await Promise.all([getAccount(tx.db, intoId), getAccount(tx.db, fromId)]);
    if (into?.status === 'closed' || from?.status !== 'closed') throw undoErrors.changed();
    // The erasure job may have run already (its window is the undo's): nothing left to reopen.
    if (!(await removeClosure(tx.db, fromId))) throw undoErrors.expired();

    const moves = await listMoves(tx.db, mergeId);
    const moved: Record<string, number> = {};
    for (const table of MOVED_ROWS) {
      const ids = moves.filter((m) => m.table === table && isMovedRowTable(m.table)).map((m) => m.rowId);
      moved[table] = await moveRowsBack(tx.db, table, ids, intoId, fromId);
    }
    await restoreDefaults(tx.db, fromId, moves);
    await moveActivityBack(tx.db, moves.filter((m) => m.table === 'audit_events').map((m) => m.rowId), intoId, fromId, merge.fromLabel);
    const identifiers = await restoreIdentifiers(tx.db, tx.clock, merge.identifiers, intoId, fromId);
    moved.identifiers = identifiers.restored;
    const notRestored = identifiers.taken.map((i) => (i.kind === 'email' ? maskEmail(i.normalized) : maskPhone(i.normalized)));
    if (!(await setAccountStatus(tx.db, tx.clock, fromId, { from: 'closed', to: 'active' }))) throw undoErrors.changed();

    const detail = { merge: mergeId, staff: staff.id, ticket: window.ticket };
    await recordEvent(tx.db, tx.clock, { accountId: intoId, type: 'merge.undone', detail: { ...detail, other: merge.fromLabel } });
    const [intoContacts, fromContacts] = await Promise.all([listIdentifiers(tx.db, intoId), listIdentifiers(tx.db, fromId)]);
    const intoLabel = labelOf(intoContacts);
    await recordEvent(tx.db, tx.clock, { accountId: fromId, type: 'merge.undone', detail: { ...detail, other: intoLabel } });
    await auditStaff(tx, 'merge.undone', { staffId: staff.id, actorId: staff.id, detail: { ...detail, into: intoId, from: fromId, not_restored: notRestored.length } });
    await tellBoth(tx, { intoId, intoName: into?.name ?? '', intoContacts, intoLabel, fromId, fromName: from.name, fromContacts, fromLabel: merge.fromLabel, notices: ['merge_undone', 'merge_undone'] });
    return { moved, notRestored };
  });
}
