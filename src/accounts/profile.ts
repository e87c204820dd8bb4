import type { Deps, RequestInfo } from '../platform/context.js';
import { errors } from '../platform/errors.js';
import { recordEvent } from '../activity/audit.js';
import { getAccount, listIdentifiers, updateName } from './store.js';
import { pendingContacts } from '../settings/contact-changes.js';
import { validateName } from './fields.js';
import { sendSecurityNotice } from '../notify/security-notices.js';
import { inTransaction } from '../platform/db/transaction.js';

/** What a customer sees of their own account. The internal id is deliberately absent. */
export interface Profile {
  name: string;
  email: string;
  phone: string | null;
  pendingEmail: string | null;
  pendingPhone: string | null;
  memberSince: number;
}

export async function getProfile(deps: Deps, accountId: string): Promise<Profile> {
  const account = await getAccount(deps.db, accountId);
  if (!account) throw errors.unauthenticated();
  const identifiers = await listIdentifiers(deps.db, accountId);
  const pending = await pendingContacts(deps, accountId);
  return {
    name: account.name,
    email: identifiers.find((i) => i.kind === 'email' && i.isPrimary)?.value ?? '',
    // The account's own number: a phone alias from a merge is listed apart (merging/aliases-section.tsx).
    phone: identifiers.find((i) => i.kind === 'phone' && i.verified && !i.alias)?.value ?? null,
    pendingEmail: pending.email ?? null,
    pendingPhone: pending.phone ?? null,
    memberSince: account.createdAt,
  };
}

export async function changeName(deps: Deps, input: { accountId: string; name: string; info: RequestInfo }): Promise<string> {
  const name = validateName(input.name);
  if (typeof name !== 'string') throw errors.invalidInput({ name: name.message });
  await inTransaction(deps, async (tx) => {
    await updateName(tx.db, tx.clock, input.accountId, name);
    await sendSecurityNotice(tx, { accountId: input.accountId, name, change: 'name_changed', info: input.info, detail: name });
    await recordEvent(tx.db, tx.clock, { accountId: input.accountId, type: 'name.changed', info: input.info });
  });
  return name;
}
