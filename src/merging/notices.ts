import type { Deps } from '../platform/context.js';
import { enqueueMessage } from '../notify/enqueue.js';
import { mergeNoticeEmail, mergeNoticeSms, type MergeNotice } from './messages.js';

/** Never held for a digest, never refused by a budget: each side hears at once (SECURITY.md, ASVS 6.3.7). */
const NOTICE = { kind: 'notice', immediate: true } as const;

interface Contact {
  kind: 'email' | 'phone';
  value: string;
  normalized: string;
  verified: boolean;
}

/** Tells one account's verified contacts, in the caller's transaction. */
export async function tellContacts(tx: Deps, input: { accountId: string; name: string; contacts: Contact[]; notice: MergeNotice; other: string }): Promise<void> {
  for (const contact of input.contacts.filter((c) => c.verified)) {
    const message =
      contact.kind === 'email'
        ? mergeNoticeEmail({ to: contact.value, name: input.name, notice: input.notice, other: input.other, publicUrl: tx.config.publicUrl, accountId: input.accountId })
        : mergeNoticeSms({ to: contact.normalized, notice: input.notice, other: input.other, accountId: input.accountId });
    await enqueueMessage(tx, message, NOTICE);
  }
}

/** Both sets of contacts, each as they were before the change: A's hear `notices[0]`, B's `notices[1]`. */
export async function tellBoth(
  tx: Deps,
  input: { intoId: string; intoName: string; intoContacts: Contact[]; intoLabel: string; fromId: string; fromName: string; fromContacts: Contact[]; fromLabel: string; notices: [MergeNotice, MergeNotice] },
): Promise<void> {
  await tellContacts(tx, { accountId: input.intoId, name: input.intoName, contacts: input.intoContacts, notice: input.notices[0], other: input.fromLabel });
  await tellContacts(tx, { accountId: input.fromId, name: input.fromName, contacts: input.fromContacts, notice: input.notices[1], other: input.intoLabel });
}
