import type { Deps } from '../platform/context.js';
import { DAY } from '../platform/clock.js';
import { listVerifiedContacts } from '../accounts/store.js';
import { maskRecipient } from '../notify/mask.js';
import { firstName } from '../platform/web/page-routes.js';
import { requirePermission, type StaffMember } from '../staff/staff-guard.js';
import { recentReports } from '../message-check/reports.js';

/**
 * The fraud view (fraud.view): open fraud reports and disputes, accounts secured by "This wasn't me" in the last
 * 30 days, suspicious messages customers reported in the last 30 days (attacker text: shown cut short and escaped),
 * and accounts whose sign-in counters hold failures in the last day (someone guessing a password, a
 * second-step code, a text-message or reset code). Masked like a search result, whatever windows the agent holds:
 * acting on one of these customers is the customer page, behind the same caller check. Each list is bounded, so
 * the page costs the same however busy the attackers are.
 */
export const FRAUD_LIST_MAX = 50;
const SECURED_WITHIN = 30 * DAY;
const GUESSING_WITHIN = DAY;
const REPORTED_WITHIN = 30 * DAY;
/** A reported message is shown this far; the whole text stays in the database for whoever investigates. */
export const REPORT_EXCERPT_CHARS = 300;
/** The customer sign-in counters (signin/attempts.ts SCOPES); staff counters (staff_*) are not customers. */
const GUESSED_SCOPES = ['password', 'second_factor', 'sms_signin', 'passkey', 'reset_code'] as const;

export interface MaskedCustomer {
  id: string;
  name: string;
  status: string;
  contacts: string[];
}

export interface FraudView {
  cases: Array<{ id: string; kind: string; reason: string; order: string; openedBySupport: boolean; createdAt: number; customer: MaskedCustomer }>;
  secured: Array<{ at: number; customer: MaskedCustomer }>;
  guessing: Array<{ failures: number; blocked: boolean; lastAt: number; scopes: string[]; customer: MaskedCustomer }>;
  reports: Array<{ id: string; channel: string; sender: string; excerpt: string; reference: string | null; referenceIsOurs: boolean; at: number; customer: MaskedCustomer }>;
}

export async function fraudView(deps: Deps, staff: StaffMember): Promise<FraudView> {
  requirePermission(staff, 'fraud.view');
  const now = deps.clock.now();
  const [cases, secured, guessing, reports] = await Promise.all([openFraudCases(deps), recentlySecured(deps, now), underGuessing(deps, now), recentReports(deps, now - REPORTED_WITHIN, FRAUD_LIST_MAX)]);
  const customers = await maskedCustomers(deps, [...cases.map((c) => c.account_id), ...secured.map((s) => s.accountId), ...guessing.map((g) => g.accountId), ...reports.map((r) => r.account_id)]);
  const known = <T extends { accountId: string }>(rows: T[]) => rows.filter((r) => customers.has(r.accountId)).map((r) => ({ ...r, customer: customers.get(r.accountId)! }));
  return {
    cases: known(cases.map((c) => ({ accountId: c.account_id, id: c.id, kind: c.kind, reason: c.reason, order: c.number, openedBySupport: c.opened_by_staff !== null, createdAt: c.created_at }))).map(({ accountId: _, ...c }) => c),
    secured: known(secured).map(({ accountId: _, ...s }) => s),
    guessing: known(guessing).map(({ accountId: _, ...g }) => g),
    reports: known(reports.map((r) => ({ accountId: r.account_id, id: r.id, channel: r.channel, sender: cut(r.sender, 120), excerpt: cut(r.body, REPORT_EXCERPT_CHARS), reference: r.reference, referenceIsOurs: r.reference_known === 1, at: r.created_at }))).map(({ accountId: _, ...r }) => r),
  };
}

function openFraudCases(deps: Deps) {
  return deps.db
    .selectFrom('order_cases')
    .innerJoin('orders', 'orders.id', 'order_cases.order_id')
    .select(['order_cases.id', 'order_cases.account_id', 'order_cases.kind', 'order_cases.reason', 'order_cases.created_at', 'order_cases.opened_by_staff', 'orders.number'])
    .where('order_cases.status', '=', 'open')
    .where('order_cases.kind', 'in', ['fraud_report', 'dispute'])
    .orderBy('order_cases.created_at', 'desc')
    .limit(FRAUD_LIST_MAX)
    .execute();
}

async function recentlySecured(deps: Deps, now: number): Promise<Array<{ accountId: string; at: number }>> {
  const rows = await deps.db
    .selectFrom('audit_events')
    .select(['account_id', 'created_at'])
    .where('type', '=', 'account.secured')
    .where('created_at', '>', now - SECURED_WITHIN)
    .orderBy('created_at', 'desc')
    .limit(FRAUD_LIST_MAX * 2)
    .execute();
  const latest = new Map<string, number>();
  for (const row of rows) if (row.account_id && !latest.has(row.account_id)) latest.set(row.account_id, row.created_at);
  return [...latest].slice(0, FRAUD_LIST_MAX).map(([accountId, at]) => ({ accountId, at }));
}

/** Keys are `<scope>:account:<id>` or `<scope>:account:<id>:<subject>` (platform/throttle.ts accountKey). */
async function underGuessing(deps: Deps, now: number): Promise<Array<{ accountId: string; failures: number; blocked: boolean; lastAt: number; scopes: string[] }>> {
  const rows = await deps.db
    .selectFrom('throttles')
    .select(['key', 'failures', 'blocked_until', 'updated_at'])
    .where((eb) => eb.or(GUESSED_SCOPES.map((scope) => eb('key', 'like', `${scope}:account:%`))))
    .where('failures', '>', 0)
    .where('updated_at', '>', now - GUESSING_WITHIN)
    .orderBy('updated_at', 'desc')
    .limit(FRAUD_LIST_MAX * 4)
    .execute();
  const byAccount = new Map<string, { accountId: string; failures: number; blocked: boolean; lastAt: number; scopes: string[] }>();
  for (const row of rows) {
    const [scope, , accountId] = row.key.split(':');
    if (!scope || !accountId) continue;
    const entry = byAccount.get(accountId) ?? { accountId, failures: 0, blocked: false, lastAt: 0, scopes: [] };
    entry.failures += row.failures;
    entry.blocked ||= row.blocked_until > now;
    entry.lastAt = Math.max(entry.lastAt, row.updated_at);
    if (!entry.scopes.includes(scope)) entry.scopes.push(scope);
    byAccount.set(accountId, entry);
  }
  return [...byAccount.values()].sort((a, b) => b.failures - a.failures).slice(0, FRAUD_LIST_MAX);
}

async function maskedCustomers(deps: Deps, ids: string[]): Promise<Map<string, MaskedCustomer>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Map();
  const [accounts, contacts] = await Promise.all([
    deps.db.selectFrom('accounts').select(['id', 'name', 'status']).where('id', 'in', unique).execute(),
    listVerifiedContacts(deps.db, unique),
  ]);
  const found = new Map<string, MaskedCustomer>();
  for (const account of accounts) {
    found.set(account.id, {
      id: account.id,
      name: firstName(account.name),
      status: account.status,
      contacts: contacts.filter((c) => c.accountId === account.id).map((c) => maskRecipient(c.normalized)),
    });
  }
  return found;
}

/** By code point, so a cut never leaves half a surrogate pair. */
function cut(value: string, max: number): string {
  const chars = Array.from(value);
  return chars.length > max ? `${chars.slice(0, max).join('')}…` : value;
}
