import type { Deps } from '../platform/context.js';
import { listIdentifiers } from '../accounts/store.js';
import { enqueueMessage } from '../notify/enqueue.js';
import { supportNoticeEmail, type SupportNotice } from './messages.js';

/** Tells the customer, at every verified email address, what support did; in the caller's transaction. */
export async function tellCustomer(tx: Deps, input: { accountId: string; name: string; notice: SupportNotice; ticket: string }): Promise<void> {
  const emails = (await listIdentifiers(tx.db, input.accountId)).filter((i) => i.kind === 'email' && i.verified);
  for (const email of emails) {
    await enqueueMessage(
      tx,
      supportNoticeEmail({ to: email.value, name: input.name, notice: input.notice, storeName: tx.config.storeName, ticket: input.ticket, publicUrl: tx.config.publicUrl, accountId: input.accountId }),
      { kind: 'notice', immediate: true },
    );
  }
}
