import type { Deps } from '../platform/context.js';
import { HOUR } from '../platform/clock.js';
import { AppError, errors } from '../platform/errors.js';
import { claimPeriodicSlot, reserveAttempt, type ThrottlePolicy } from '../platform/throttle.js';
import { parseEmail, parsePhone } from '../accounts/identifiers.js';
import { isOrderNumber } from '../orders/order-number.js';
import { maskRecipient } from '../notify/mask.js';
import { recordEvent } from '../activity/audit.js';
import { firstName } from '../platform/web/page-routes.js';
import { requirePermission, type StaffMember } from '../staff/staff-guard.js';
import { findAccountByIdentifier, getAccount } from '../accounts/store.js';
import { accountByOrderNumber, contactsOnFile } from './record-queries.js';
import { customersWithOpenWindow } from './store.js';

/**
 * Find a customer by email, phone (any format) or order number. What comes back is masked — first name, masked
 * contacts — until this agent has verified the caller (an open window), so a search alone never reads out a
 * customer's details. Each agent has SEARCHES_PER_HOUR searches, reserved by one atomic upsert in the throttle
 * table before the search runs; from ALERT_AT in an hour, and again on reaching the limit, an audit event
 * `support.search_volume` (no customer) and a log warning name the agent, at most once an hour each.
 */
export const SEARCHES_PER_HOUR = 60;
export const ALERT_AT = 40;

const SEARCH_POLICY: ThrottlePolicy = { freeFailures: SEARCHES_PER_HOUR, firstWaitMs: HOUR, maxWaitMs: HOUR, forgetAfterMs: HOUR };

export interface FoundContact {
  /** Opaque: the verification request names the contact by this id, never by its value. */
  id: string;
  kind: 'email' | 'phone';
  shown: string;
}

export interface FoundCustomer {
  id: string;
  name: string;
  status: string;
  verified: boolean;
  contacts: FoundContact[];
}

export type SearchKind = 'email' | 'phone' | 'order';

export async function searchCustomers(deps: Deps, staff: StaffMember, raw: string): Promise<{ kind: SearchKind; customers: FoundCustomer[] }> {
  requirePermission(staff, 'customers.search');
  const query = raw.trim();
  if (!query || query.length > 254) throw errors.invalidInput({ q: 'Type an email address, a phone number or an order number.' });
  const kind = kindOf(query);
  if (!kind) throw errors.invalidInput({ q: 'That is not an email address, a phone number or an order number.' });
  await spendSearch(deps, staff);
  const accountId = await lookup(deps, kind, query);
  const customers = accountId ? await describe(deps, staff, [accountId]) : [];
  return { kind, customers };
}

function kindOf(query: string): SearchKind | null {
  if (query.includes('@')) return typeof parseEmail(query) === 'string' ? null : 'email';
  if (isOrderNumber(query)) return 'order';
  return /^[+\d\s().\-]+$/.test(query) ? 'phone' : null;
}

async function lookup(deps: Deps, kind: SearchKind, query: string): Promise<string | undefined> {
  if (kind === 'order') return accountByOrderNumber(deps.db, query);
  const parsed = kind === 'email' ? parseEmail(query) : parsePhone(query, deps.config.defaultPhoneRegion);
  if (typeof parsed === 'string') {
    if (kind === 'phone') throw errors.invalidInput({ q: 'That is not a phone number we can read. Include the country code.' });
    return undefined;
  }
  return (await findAccountByIdentifier(deps.db, parsed))?.id;
}

export async function describe(deps: Deps, staff: StaffMember, accountIds: string[]): Promise<FoundCustomer[]> {
  const now = deps.clock.now();
  const open = await customersWithOpenWindow(deps.db, staff.id, accountIds, now);
  const contacts = await contactsOnFile(deps.db, accountIds);
  const accounts = (await Promise.all(accountIds.map((id) => getAccount(deps.db, id)))).filter((a) => a !== undefined);
  return accounts.map((account) => {
    const verified = open.has(account.id);
    return {
      id: account.id,
      name: verified ? account.name : firstName(account.name),
      status: account.status,
      verified,
      contacts: contacts
        .filter((c) => c.accountId === account.id)
        .map((c) => ({ id: c.id, kind: c.kind, shown: verified ? c.value : maskRecipient(c.normalized) })),
    };
  });
}

async function spendSearch(deps: Deps, staff: StaffMember): Promise<void> {
  const hour = Math.floor(deps.clock.now() / HOUR);
  const reserved = await reserveAttempt(deps.db, deps.clock, `support_search:staff:${staff.id}:${hour}`, SEARCH_POLICY, SEARCHES_PER_HOUR);
  if (!reserved.granted) {
    await alertVolume(deps, staff, 'limit', SEARCHES_PER_HOUR);
    throw new AppError(429, 'support.search_limit', `You have made ${SEARCHES_PER_HOUR} searches this hour. Please wait before searching again.`, undefined, {
      'retry-after': String(reserved.retryAfterSeconds),
    });
  }
  if (reserved.failures >= ALERT_AT) await alertVolume(deps, staff, 'unusual', reserved.failures);
}

async function alertVolume(deps: Deps, staff: StaffMember, level: 'unusual' | 'limit', count: number): Promise<void> {
  if (!(await claimPeriodicSlot(deps.db, deps.clock, `support_search_alert:${level}:${staff.id}`, HOUR))) return;
  deps.log.warn({ staffId: staff.id, searchesThisHour: count, level }, 'unusual customer search volume by a support agent');
  await recordEvent(deps.db, deps.clock, { accountId: null, type: 'support.search_volume', detail: { staff: staff.id, level, searches: count } });
}
