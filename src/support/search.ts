import type { Deps } from '../platform/context.js';
import { errors } from '../platform/errors.js';
import { parseEmail, parsePhone } from '../accounts/identifiers.js';
import { isOrderNumber } from '../orders/order-number.js';
import { maskRecipient } from '../notify/mask.js';
import { spendAgentAllowance } from './agent-limits.js';
import { firstName } from '../platform/web/page-routes.js';
import { requirePermission, type StaffMember } from '../staff/staff-guard.js';
import { findAccountByIdentifier, getAccount } from '../accounts/store.js';
import { accountByOrderNumber, contactsOnFile } from './record-queries.js';
import { customersWithOpenWindow } from './store.js';

/**
 * Find a customer by email, phone (any format) or order number. What comes back is masked — first name, masked
 * contacts — until this agent has verified the caller (an open window), so a search alone never reads out a
 * customer's details. Each search first spends one of the agent's hourly searches (agent-limits.ts).
 */
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
  await spendAgentAllowance(deps, staff, 'search');
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
