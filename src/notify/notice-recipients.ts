import type { Deps } from '../platform/context.js';
import { listIdentifiers } from '../accounts/store.js';
import { SECURE_LINK_TTL_MS } from '../verification/secure-link.js';
import { recentlyReplacedContacts, type ContactUndo } from '../recovery/contact-undo.js';

/**
 * Who hears about something that happened on an account: every verified email and phone, and every contact changed
 * away from while its "This wasn't me" link still lives — the change may not have been the owner's, and whoever
 * made it must not be the only one told (SECURITY.md Recovery). A replaced email's links carry the undo of that
 * change, so "This wasn't me" from the old address puts it back.
 */
export interface NoticeRecipients {
  /** Email address → the contact change its "This wasn't me" link reverses, if any. */
  emails: Map<string, ContactUndo | undefined>;
  phones: Set<string>;
}

export async function noticeRecipients(tx: Deps, accountId: string): Promise<NoticeRecipients> {
  const identifiers = await listIdentifiers(tx.db, accountId);
  const emails = new Map<string, ContactUndo | undefined>();
  for (const email of identifiers.filter((i) => i.kind === 'email' && i.verified)) emails.set(email.value, undefined);
  const phones = new Set(identifiers.filter((i) => i.kind === 'phone' && i.verified).map((i) => i.normalized));
  for (const replaced of await recentlyReplacedContacts(tx.db, accountId, tx.clock.now() - SECURE_LINK_TTL_MS)) {
    if (replaced.kind === 'phone') phones.add(replaced.restore!.normalized);
    else if (!emails.has(replaced.restore!.value)) emails.set(replaced.restore!.value, replaced);
  }
  return { emails, phones };
}
