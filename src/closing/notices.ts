import type { Deps } from '../platform/context.js';
import { listIdentifiers } from '../accounts/store.js';
import { enqueueMessage } from '../notify/enqueue.js';

/**
 * Every verified email and phone of the account. Never refused, but not immediate either: like every security
 * notice, the first NOTICES_AT_ONCE an hour to one destination go out at once and the rest fold into the hour's
 * digest (notify/notice-digest.ts), so a close → sign in → reopen → close loop cannot text a phone without end.
 */
export async function tellContacts(tx: Deps, accountId: string, message: (to: string, kind: 'email' | 'phone') => Parameters<typeof enqueueMessage>[1]): Promise<void> {
  for (const identifier of await listIdentifiers(tx.db, accountId)) {
    if (!identifier.verified) continue;
    const to = identifier.kind === 'email' ? identifier.value : identifier.normalized;
    await enqueueMessage(tx, message(to, identifier.kind), { kind: 'notice' });
  }
}
