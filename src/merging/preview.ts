import type { Kysely } from 'kysely';
import type { Database } from '../platform/db/schema.js';
import { maskEmail, maskPhone } from '../notify/mask.js';

/**
 * What a merge of B into A would move, and what it would not, for the preview page and API: counts and short
 * lists. Cards show brand and last 4 only; B's contacts are masked (whoever sees this proved B, but a screen can be
 * watched).
 */
export interface MergePreview {
  orders: { count: number; recent: Array<{ number: string; placedAt: number }> };
  cases: number;
  addresses: { count: number; shown: string[] };
  cards: Array<{ brand: string; last4: string }>;
  identifiers: string[];
  activity: number;
  /** Not moving: the customer enrols them again on A. */
  secondFactors: number;
  passkeys: number;
}

const SHORT = 5;

export async function previewMerge(db: Kysely<Database>, fromId: string): Promise<MergePreview> {
  const count = async (table: 'orders' | 'order_cases' | 'addresses' | 'audit_events') => {
    const row = await db.selectFrom(table).select((eb) => eb.fn.countAll<number | string>().as('n')).where('account_id', '=', fromId).executeTakeFirstOrThrow();
    return Number(row.n);
  };
  const [orders, cases, addresses, activity] = await Promise.all([count('orders'), count('order_cases'), count('addresses'), count('audit_events')]);
  const recent = await db.selectFrom('orders').select(['number', 'placed_at']).where('account_id', '=', fromId).orderBy('placed_at', 'desc').limit(SHORT).execute();
  const shownAddresses = await db.selectFrom('addresses').select(['line1', 'city', 'country']).where('account_id', '=', fromId).orderBy('created_at', 'asc').limit(SHORT).execute();
  const cards = await db.selectFrom('cards').select(['brand', 'last4']).where('account_id', '=', fromId).orderBy('created_at', 'asc').execute();
  const identifiers = await db.selectFrom('identifiers').select(['kind', 'normalized']).where('account_id', '=', fromId).where('verified_at', 'is not', null).execute();
  const factors = await db.selectFrom('factors').select('kind').where('account_id', '=', fromId).where('confirmed_at', 'is not', null).execute();
  return {
    orders: { count: orders, recent: recent.map((o) => ({ number: o.number, placedAt: o.placed_at })) },
    cases,
    addresses: { count: addresses, shown: shownAddresses.map((a) => [a.line1, a.city, a.country].filter(Boolean).join(', ')) },
    cards: cards.map((c) => ({ brand: c.brand, last4: c.last4 })),
    identifiers: identifiers.map((i) => (i.kind === 'email' ? maskEmail(i.normalized) : maskPhone(i.normalized))),
    activity,
    secondFactors: factors.filter((f) => f.kind !== 'passkey').length,
    passkeys: factors.filter((f) => f.kind === 'passkey').length,
  };
}

export function previewJson(preview: MergePreview) {
  return {
    moves: {
      orders: { count: preview.orders.count, recent: preview.orders.recent.map((o) => ({ number: o.number, placed_at: new Date(o.placedAt).toISOString() })) },
      cases: preview.cases,
      addresses: { count: preview.addresses.count, shown: preview.addresses.shown },
      cards: preview.cards,
      identifiers: preview.identifiers,
      login_activity: preview.activity,
    },
    stays: { second_factors: preview.secondFactors, passkeys: preview.passkeys, account: 'closes' },
  };
}
