import { formatTime } from '../platform/format.js';
import { isOpaqueId } from '../platform/crypto.js';
import { errors } from '../platform/errors.js';
import { PostForm } from '../platform/web/page-parts.js';
import type { PageRoutes } from '../platform/web/page-routes.js';
import type { Deps } from '../platform/context.js';
import { can, type StaffRole } from '../staff/roles.js';
import { staffSignedIn } from '../staff/staff-guard.js';
import { getMerge, listMergesOf, type MergeRecord } from './merge-store.js';
import { undoMerge } from './support-undo.js';

/**
 * The support console's view of a customer's merges, in and out, with Undo for those who may (`merges.undo`) while
 * the 30 days last. The customer page loads them with `mergesOf` and shows this component.
 */
export function mergesOf(deps: Deps, accountId: string): Promise<MergeRecord[]> {
  return listMergesOf(deps.db, accountId);
}

export function MergesPanel(props: { accountId: string; merges: MergeRecord[]; role: StaffRole; csrf: string; now: number }) {
  if (props.merges.length === 0) return <p><strong>Merges:</strong> none.</p>;
  return (
    <>
      <h2>Merges</h2>
      <ul>
        {props.merges.map((merge) => {
          const into = merge.intoAccountId === props.accountId;
          const undoable = into && merge.state === 'merged' && props.now <= merge.undoUntil && can(props.role, 'merges.undo');
          return (
            <li>
              {into ? `Merged in from ${merge.fromLabel}` : 'Merged into '}
              {into ? null : <a href={`/support/customers/${merge.intoAccountId}`}>another account</a>} on {formatTime(merge.mergedAt)}
              {merge.state === 'undone' ? ` · undone ${formatTime(merge.undoneAt!)}` : ` · can be undone until ${formatTime(merge.undoUntil)}`}
              {undoable ? (
                <PostForm action={`/support/merges/${merge.id}/undo`} csrf={props.csrf} class="inline-form">
                  <button type="submit" class="button secondary small">Undo this merge</button>
                </PostForm>
              ) : null}
            </li>
          );
        })}
      </ul>
    </>
  );
}

export function registerMergeSupportPages(routes: PageRoutes): void {
  routes.post('/support/merges/:id/undo', staffSignedIn, async (page) => {
    const id = (page.request.params as Record<string, string>).id;
    if (!isOpaqueId(id)) throw errors.notFound('merge');
    const merge = await getMerge(page.deps.db, id);
    if (!merge) throw errors.notFound('merge');
    await undoMerge(page.deps, page.staff, id);
    return page.redirect(`/support/customers/${merge.intoAccountId}?done=merge-undone`);
  });
}
