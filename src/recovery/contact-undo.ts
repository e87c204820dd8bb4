import type { Kysely } from 'kysely';
import type { Clock } from '../platform/clock.js';
import type { Database } from '../platform/db/schema.js';
import type { ParsedIdentifier } from '../accounts/identifiers.js';
import { isIdentifierTaken, listIdentifiers, replacePhone, replacePrimaryEmail } from '../accounts/store.js';

/**
 * SECURITY.md Recovery: undoing a contact change restores the old contact. The "This wasn't me" links sent with
 * an email or phone change remember what the change did; securing the account from one of them puts the old
 * contact back and removes the new one, so whoever made the change can't reset the password through it and the
 * notices go to the contacts the owner proved. The old contact comes back only if no other account has it now.
 */
export interface ContactUndo {
  kind: 'email' | 'phone';
  /** The contact the account had before the change; null when the change added one. */
  restore: ParsedIdentifier | null;
  /** The contact the change put in; null when the change removed one. */
  remove: string | null;
}

export async function rememberContactUndo(db: Kysely<Database>, clock: Clock, verificationId: string, accountId: string, undo: ContactUndo): Promise<void> {
  await db
    .insertInto('contact_undo')
    .values({
      verification_id: verificationId,
      account_id: accountId,
      kind: undo.kind,
      restore_value: undo.restore?.value ?? null,
      restore_normalized: undo.restore?.normalized ?? null,
      remove_normalized: undo.remove,
      created_at: clock.now(),
    })
    .execute();
}

/** What the link with this verification id undoes, if it was sent with a contact change. */
export async function findContactUndo(db: Kysely<Database>, verificationId: string): Promise<ContactUndo | undefined> {
  const row = await db.selectFrom('contact_undo').selectAll().where('verification_id', '=', verificationId).executeTakeFirst();
  if (!row) return undefined;
  const restore = row.restore_value && row.restore_normalized ? { kind: row.kind, value: row.restore_value, normalized: row.restore_normalized } : null;
  return { kind: row.kind, restore, remove: row.remove_normalized };
}

/** Puts the old contact back in place of the new one; returns whether anything changed. */
export async function undoContactChange(db: Kysely<Database>, clock: Clock, accountId: string, undo: ContactUndo): Promise<boolean> {
  const identifiers = await listIdentifiers(db, accountId);
  const current = identifiers.find((i) => i.kind === undo.kind && !i.alias && (undo.kind === 'phone' || i.isPrimary));
  if (undo.restore) {
    if (current?.normalized === undo.restore.normalized) return false;
    if (await isIdentifierTaken(db, undo.restore, clock.now(), accountId)) return false;
    if (undo.kind === 'email') await replacePrimaryEmail(db, clock, accountId, undo.restore);
    else await replacePhone(db, clock, accountId, undo.restore);
    return true;
  }
  // The change added a phone: remove it, if it is still the one that was added.
  if (undo.kind === 'phone' && current && current.normalized === undo.remove) {
    await replacePhone(db, clock, accountId, null);
    return true;
  }
  return false;
}

/**
 * The contacts changed away from since `since`, newest first, each with the undo that puts it back: notices keep
 * reaching them for as long as their "This wasn't me" links live, so a change can't silence the owner.
 */
export async function recentlyReplacedContacts(db: Kysely<Database>, accountId: string, since: number): Promise<ContactUndo[]> {
  const rows = await db
    .selectFrom('contact_undo')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('created_at', '>', since)
    .where('restore_normalized', 'is not', null)
    .orderBy('created_at', 'desc')
    .execute();
  const seen = new Set<string>();
  return rows.flatMap((row) => {
    const key = `${row.kind}:${row.restore_normalized}`;
    if (seen.has(key) || !row.restore_value || !row.restore_normalized) return [];
    seen.add(key);
    return [{ kind: row.kind, restore: { kind: row.kind, value: row.restore_value, normalized: row.restore_normalized }, remove: row.remove_normalized }];
  });
}
