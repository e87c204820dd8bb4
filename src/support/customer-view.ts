import type { Deps } from '../platform/context.js';
import { claimPeriodicSlot } from '../platform/throttle.js';
import { getAccount } from '../accounts/store.js';
import { listActivity, type ActivityEntry } from '../activity/activity.js';
import { recordEvent } from '../activity/audit.js';
import { listSessions } from '../sessions/store.js';
import { listOrders } from '../orders/history.js';
import { listCards } from '../wallet/cards/card-store.js';
import { expiryStatus, type ExpiryStatus } from '../wallet/cards/card-expiry.js';
import { errors } from '../platform/errors.js';
import { inTransaction } from '../platform/db/transaction.js';
import type { StaffMember } from '../staff/staff-guard.js';
import { casesOf, contactsOnFile } from './record-queries.js';
import { listNotes } from './store.js';
import { requireWindow } from './window.js';

/**
 * What a verified caller's agent sees. Built from an allow-list of fields: cards by brand and expiry state only
 * (no digits at all — last four and expiry together are what the 2012 chain needed), orders without the card
 * they were paid with, sessions without ids or tokens, activity as the customer sees it. Never a password hash,
 * code, token or card number. The first view in a window is audited ("Support viewed your account").
 */
export interface CustomerRecord {
  id: string;
  name: string;
  status: string;
  ticket: string;
  windowExpiresAt: number;
  contacts: Array<{ id: string; kind: 'email' | 'phone'; value: string }>;
  cards: Array<{ brand: string; expiry: ExpiryStatus; isDefault: boolean }>;
  orders: Array<{ number: string; status: string; currency: string; total: number; itemCount: number; placedAt: number }>;
  cases: Array<{ id: string; kind: string; status: string; reason: string; order: string; createdAt: number }>;
  sessions: Array<{ device: string; place: string; startedAt: number; lastUsedAt: number }>;
  activity: Array<Pick<ActivityEntry, 'at' | 'description' | 'outcome' | 'method' | 'place' | 'device'>>;
  notes: Array<{ staffName: string; ticket: string; text: string; createdAt: number }>;
}

export async function viewCustomer(deps: Deps, staff: StaffMember, accountId: string): Promise<CustomerRecord> {
  const window = await requireWindow(deps, staff, accountId, 'customers.view');
  const account = await getAccount(deps.db, accountId);
  if (!account) throw errors.notFound('customer');
  // The slot and the event together: a failed write must not leave the window's view unrecorded for good.
  await inTransaction(deps, async (tx) => {
    if (await claimPeriodicSlot(tx.db, tx.clock, `support_viewed:${window.id}`, window.expiresAt - tx.clock.now())) {
      await recordEvent(tx.db, tx.clock, { accountId, type: 'support.viewed', detail: { staff: staff.id, ticket: window.ticket } });
    }
  });
  const now = deps.clock.now();
  const [contacts, cards, orders, cases, sessions, activity, notes] = await Promise.all([
    contactsOnFile(deps.db, [accountId]),
    listCards(deps.db, accountId),
    listOrders(deps, accountId, { limit: 20 }),
    casesOf(deps.db, accountId),
    listSessions(deps, accountId),
    listActivity(deps, accountId, { limit: 30 }),
    listNotes(deps.db, accountId),
  ]);
  return {
    id: account.id,
    name: account.name,
    status: account.status,
    ticket: window.ticket,
    windowExpiresAt: window.expiresAt,
    contacts: contacts.map((c) => ({ id: c.id, kind: c.kind, value: c.value })),
    cards: cards.map((c) => ({ brand: c.brand, expiry: expiryStatus(c, now), isDefault: c.isDefault })),
    orders: orders.orders.map((o) => ({ number: o.number, status: o.status, currency: o.currency, total: o.total, itemCount: o.itemCount, placedAt: o.placedAt })),
    cases: cases.map((c) => ({ id: c.id, kind: c.kind, status: c.status, reason: c.reason, order: c.number, createdAt: c.created_at })),
    sessions: sessions.map((s) => ({ device: s.device, place: s.place, startedAt: s.createdAt, lastUsedAt: s.lastUsedAt })),
    activity: activity.entries.map((e) => ({ at: e.at, description: e.description, outcome: e.outcome, method: e.method, place: e.place, device: e.device })),
    notes,
  };
}
