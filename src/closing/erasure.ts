import type { Kysely } from 'kysely';
import type { Deps } from '../platform/context.js';
import type { Database } from '../platform/db/schema.js';
import { HOUR } from '../platform/clock.js';
import { inTransaction } from '../platform/db/transaction.js';
import type { Job } from '../platform/jobs/runner.js';
import { listClosuresDue, markErased, type Closure } from '../accounts/closures.js';
import { quarantineIdentifier } from '../accounts/quarantine.js';

/**
 * The erasure job: each closure past its `erase_after` (the customer's grace period, or a merge's 30-day undo
 * window) has the account's personal data removed or anonymised, in one transaction per account. Safe with any
 * number of instances: markErased is the conditional update that claims the account, and it runs first, so a
 * second instance (or a second pass) finds nothing left to claim and does nothing.
 *
 * Erasure must reach every table that can hold a person, so — like the data export — it is the one place that
 * names other features' tables; test/closing/erasure.test.ts searches every text column of every table for the
 * customer's name, email and phone afterwards. What is kept, and why:
 * - the account row (id, status `closed`, name "Closed account", no password): orders and the closure point to it;
 * - orders and their items: the store must keep them for its accounts; the shipping snapshot keeps the country and
 *   region (tax) and loses the name, street, city, postal code and phone;
 * - cases: the kind, reason, status, decision and amounts; in the customer's own words every occurrence of their
 *   name, email and phone is replaced (the store may still have to answer a chargeback about it);
 * - partner subjects and revoked grants: the pairwise `sub` must never be issued to anyone else, and they hold no
 *   personal data;
 * - the quarantine row of each released email and phone (accounts/quarantine.ts), until its hold ends — it exists
 *   so nobody else can take the address over meanwhile;
 * - the closure row, now with `erased_at`;
 * - merge records into or out of the account, for support's history: the copy of the moved identifiers is emptied
 *   and the other side's label replaced (an undo is refused by then: its window is the erasure's); what each merge
 *   moved (account_merge_moves) stays — table names, row ids and default flags, nothing of the person;
 * - the import's source row (import_sources: the source platform's customer id, who imported it and when), kept
 *   deliberately: without it re-running the same import file would bring the erased customer back.
 * The personal phrase and the suspicious messages the customer reported are deleted.
 */
export const ERASED_NAME = 'Closed account';
const REMOVED = '[removed]';
const BATCH = 50;

export function erasureJobs(deps: Deps): Job[] {
  return [{ name: 'account-erasure', everyMs: HOUR, run: () => eraseDueAccounts(deps) }];
}

/** Erases every account due now; returns how many this call erased. */
export async function eraseDueAccounts(deps: Deps): Promise<number> {
  let erased = 0;
  for (;;) {
    const due = await listClosuresDue(deps.db, deps.clock.now(), BATCH);
    let progressed = 0;
    for (const closure of due) if (await eraseAccount(deps, closure)) progressed += 1;
    erased += progressed;
    if (due.length < BATCH || progressed === 0) return erased;
  }
}

export async function eraseAccount(deps: Deps, closure: Closure): Promise<boolean> {
  const accountId = closure.accountId;
  return inTransaction(deps, async (tx) => {
    // Claimed first: a second instance's transaction waits on this row, then finds it erased and stops.
    if (!(await markErased(tx.db, tx.clock, accountId))) return false;
    const db = tx.db;
    const account = await db.selectFrom('accounts').select('name').where('id', '=', accountId).executeTakeFirst();
    if (!account) return true;
    const identifiers = await db.selectFrom('identifiers').select(['kind', 'value', 'normalized', 'verified_at']).where('account_id', '=', accountId).execute();
    const addresses = await db.selectFrom('addresses').select(['full_name', 'phone']).where('account_id', '=', accountId).execute();
    // Only the identifiers still on this account: a merged account's went to the other account with the merge.
    for (const identifier of identifiers.filter((i) => i.verified_at !== null)) {
      await quarantineIdentifier(db, tx.clock, tx.config.identifierQuarantineDays, { kind: identifier.kind, normalized: identifier.normalized, accountId, reason: 'account_closed' });
    }
    const personal = personalStrings([account.name, ...identifiers.flatMap((i) => [i.value, i.normalized]), ...addresses.flatMap((a) => [a.full_name, a.phone ?? ''])]);
    const recipients = identifiers.flatMap((i) => [i.value, i.normalized]);

    await deleteAccountRows(db, accountId);
    if (recipients.length > 0) await db.deleteFrom('outbox').where('recipient', 'in', recipients).execute();
    await anonymiseOrders(db, accountId);
    await anonymiseCases(db, accountId, personal);
    await db
      .updateTable('accounts')
      .set({ name: ERASED_NAME, password_hash: null, password_changed_at: null, updated_at: tx.clock.now() })
      .where('id', '=', accountId)
      .execute();
    return true;
  });
}

/** What belongs to the person and nothing else needs: deleted outright. */
async function deleteAccountRows(db: Kysely<Database>, accountId: string): Promise<void> {
  const recoveries = await db.selectFrom('support_recoveries').select('id').where('account_id', '=', accountId).execute();
  if (recoveries.length > 0) await db.deleteFrom('support_recovery_cancels').where('recovery_id', 'in', recoveries.map((r) => r.id)).execute();
  await db.deleteFrom('support_recoveries').where('account_id', '=', accountId).execute();
  await db.deleteFrom('support_challenges').where('account_id', '=', accountId).execute();
  await db.deleteFrom('support_notes').where('account_id', '=', accountId).execute();
  await db.deleteFrom('contact_undo').where('account_id', '=', accountId).execute();
  await db.deleteFrom('verifications').where('account_id', '=', accountId).execute();
  await db.deleteFrom('flows').where('account_id', '=', accountId).execute();
  await db.deleteFrom('identifiers').where('account_id', '=', accountId).execute();
  await db.deleteFrom('addresses').where('account_id', '=', accountId).execute();
  // The gateway adapter has no "delete token" call (wallet/gateways/gateway.ts); the token goes with the row.
  await db.deleteFrom('cards').where('account_id', '=', accountId).execute();
  await db.deleteFrom('factors').where('account_id', '=', accountId).execute();
  await db.deleteFrom('backup_codes').where('account_id', '=', accountId).execute();
  await db.deleteFrom('remembered_devices').where('account_id', '=', accountId).execute();
  await db.deleteFrom('sessions').where('account_id', '=', accountId).execute();
  await db.deleteFrom('known_devices').where('account_id', '=', accountId).execute();
  await db.deleteFrom('known_networks').where('account_id', '=', accountId).execute();
  await db.deleteFrom('retry_passes').where('account_id', '=', accountId).execute();
  await db.deleteFrom('password_history').where('account_id', '=', accountId).execute();
  await db.deleteFrom('message_records').where('account_id', '=', accountId).execute();
  await db.deleteFrom('outbox').where('account_id', '=', accountId).execute();
  await db.deleteFrom('audit_events').where('account_id', '=', accountId).execute();
  await db.deleteFrom('data_exports').where('account_id', '=', accountId).execute();
  await db.deleteFrom('personal_phrases').where('account_id', '=', accountId).execute();
  await db.deleteFrom('suspicious_reports').where('account_id', '=', accountId).execute();
  await db
    .updateTable('account_merges')
    .set({ identifiers: '[]', from_label: REMOVED })
    .where((eb) => eb.or([eb('into_account_id', '=', accountId), eb('from_account_id', '=', accountId)]))
    .execute();
}

/** Orders stay for the store's accounts; where they went does not. */
async function anonymiseOrders(db: Kysely<Database>, accountId: string): Promise<void> {
  const orders = await db.selectFrom('orders').select(['id', 'shipping_address']).where('account_id', '=', accountId).execute();
  for (const order of orders) {
    await db.updateTable('orders').set({ shipping_address: anonymousAddress(order.shipping_address) }).where('id', '=', order.id).execute();
  }
  const checkouts = await db.selectFrom('checkout_sessions').select(['id', 'shipping_address']).where('account_id', '=', accountId).where('shipping_address', 'is not', null).execute();
  for (const checkout of checkouts) {
    await db.updateTable('checkout_sessions').set({ shipping_address: anonymousAddress(checkout.shipping_address!) }).where('id', '=', checkout.id).execute();
  }
}

/** The snapshot still reads as an address (order pages show it), keeping only the country and region. */
export function anonymousAddress(snapshot: string): string {
  let parsed: Record<string, unknown> = {};
  try {
    const value: unknown = JSON.parse(snapshot);
    if (typeof value === 'object' && value !== null) parsed = value as Record<string, unknown>;
  } catch {
    // Unreadable already: nothing of it is kept.
  }
  const keep = (field: string) => (typeof parsed[field] === 'string' ? (parsed[field] as string) : null);
  return JSON.stringify({ full_name: ERASED_NAME, line1: 'Address removed', line2: null, city: null, region: keep('region'), postal_code: null, country: keep('country') ?? 'ZZ', phone: null });
}

async function anonymiseCases(db: Kysely<Database>, accountId: string, personal: string[]): Promise<void> {
  const cases = await db.selectFrom('order_cases').select(['id', 'details', 'resolution']).where('account_id', '=', accountId).execute();
  for (const row of cases) {
    await db
      .updateTable('order_cases')
      .set({ details: scrub(row.details, personal), resolution: row.resolution === null ? null : scrub(row.resolution, personal) })
      .where('id', '=', row.id)
      .execute();
  }
}

/** The full strings and each word of the name of three letters or more: "Ada Lovelace" also loses "Lovelace". */
function personalStrings(values: string[]): string[] {
  const words = values.flatMap((value) => value.split(/\s+/)).filter((word) => word.length >= 3);
  return [...new Set([...values.filter((v) => v.length > 0), ...words])].sort((a, b) => b.length - a.length);
}

export function scrub(text: string, personal: string[]): string {
  let result = text;
  for (const value of personal) result = result.replace(new RegExp(escapeRegExp(value), 'giu'), REMOVED);
  return result;
}

function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
