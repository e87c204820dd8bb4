import type { Deps, RequestInfo } from '../platform/context.js';
import { errors } from '../platform/errors.js';
import { inTransaction } from '../platform/db/transaction.js';
import { getAccount, listIdentifiers } from '../accounts/store.js';
import { quarantineIdentifier } from '../accounts/quarantine.js';
import { recordEvent } from '../activity/audit.js';
import { maskEmail, maskPhone } from '../notify/mask.js';
import { deleteAlias, deleteEveryAlias, listAliases, type Alias } from './alias-store.js';
import { tellContacts } from './notices.js';

/** An alias as Login & Security shows it: masked, with where it came from. */
export interface ShownAlias {
  id: string;
  kind: 'email' | 'phone';
  shown: string;
}

export function showAlias(alias: Alias): ShownAlias {
  return { id: alias.id, kind: alias.kind, shown: alias.kind === 'email' ? maskEmail(alias.normalized) : maskPhone(alias.normalized) };
}

export async function listShownAliases(deps: Deps, accountId: string): Promise<ShownAlias[]> {
  return (await listAliases(deps.db, accountId)).map(showAlias);
}

/**
 * Removing an alias (after a recent step-up, on the route): it stops signing in at once and goes into the same
 * quarantine as a closed account's identifiers, held for this account only, so nobody else can claim the address the
 * moment it leaves (a lapsed domain, a recycled number). The account's contacts — the removed one too — are told.
 */
export async function removeAlias(deps: Deps, accountId: string, aliasId: string, info: RequestInfo): Promise<ShownAlias> {
  const account = await getAccount(deps.db, accountId);
  if (!account) throw errors.unauthenticated();
  return inTransaction(deps, async (tx) => {
    const before = await listIdentifiers(tx.db, accountId);
    const alias = await deleteAlias(tx.db, accountId, aliasId);
    // Another account's identifier, an own one, or an unknown id: all the same 404 (ASVS 8.2.2).
    if (!alias) throw errors.notFound('sign-in alias');
    await quarantineIdentifier(tx.db, tx.clock, tx.config.identifierQuarantineDays, { kind: alias.kind, normalized: alias.normalized, accountId, reason: 'alias_removed' });
    const shown = showAlias(alias);
    await recordEvent(tx.db, tx.clock, { accountId, type: 'alias.removed', info, detail: { alias: shown.shown } });
    await tellContacts(tx, { accountId, name: account.name, contacts: before, notice: 'alias_removed', other: shown.shown });
    return shown;
  });
}

/**
 * Support recovery and "This wasn't me" end every alias, in the caller's transaction: a merge made by whoever briefly
 * held the account brings their own email and phone as aliases, and a forgot-password to one would let them straight
 * back in. Each is quarantined for this account only (reason alias_removed), and the contacts the account had — the
 * removed ones too — are told. Returns how many went.
 */
export async function removeEveryAlias(tx: Deps, accountId: string, info?: RequestInfo): Promise<number> {
  const account = await getAccount(tx.db, accountId);
  if (!account) return 0;
  const before = await listIdentifiers(tx.db, accountId);
  const removed = await deleteEveryAlias(tx.db, accountId);
  if (removed.length === 0) return 0;
  for (const alias of removed) {
    await quarantineIdentifier(tx.db, tx.clock, tx.config.identifierQuarantineDays, { kind: alias.kind, normalized: alias.normalized, accountId, reason: 'alias_removed' });
  }
  const shown = removed.map((a) => showAlias(a).shown).join(', ');
  await recordEvent(tx.db, tx.clock, { accountId, type: 'alias.removed', info, detail: { alias: shown } });
  await tellContacts(tx, { accountId, name: account.name, contacts: before, notice: 'alias_removed', other: shown });
  return removed.length;
}
