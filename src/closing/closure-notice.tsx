import type { VNode } from 'preact';
import type { Deps } from '../platform/context.js';
import { formatTime } from '../platform/format.js';
import { findClosure } from '../accounts/closures.js';

/**
 * What the support console's customer page says about a closed account: who closed it and when its personal data
 * goes (or went). Support cannot reopen a customer's own closure; the customer signing in can, within the grace.
 */
export async function closureNotice(deps: Pick<Deps, 'db'>, accountId: string): Promise<VNode | null> {
  const closure = await findClosure(deps.db, accountId);
  if (!closure) return null;
  const by = closure.reason === 'merged' ? 'Merged into another account' : 'Closed by the customer';
  return (
    <p class="notice closure" role="status">
      {closure.erasedAt !== null
        ? `Erased on ${formatTime(closure.erasedAt)} (${by.toLowerCase()} on ${formatTime(closure.requestedAt)}).`
        : `${by} on ${formatTime(closure.requestedAt)}; erased on or after ${formatTime(closure.eraseAfter)}.`}
    </p>
  );
}
