import type { Deps } from '../platform/context.js';
import { listIdentifiers } from '../accounts/store.js';
import { enqueueMessage } from '../notify/enqueue.js';

/** Every verified email and phone of the account; never refused by a budget (an owner's notice must go out). */
export async function tellContacts(tx: Deps, accountId: string, message: (to: string, kind: 'email' | 'phone') => Parameters<typeof enqueueMessage>[1]): Promise<void> {
  for (const identifier of await listIdentifiers(tx.db, accountId)) {
    if (!identifier.verified) continue;
    const to = identifier.kind === 'email' ? identifier.value : identifier.normalized;
    await enqueueMessage(tx, message(to, identifier.kind), { kind: 'notice', immediate: true });
  }
}
