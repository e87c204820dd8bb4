import type { Deps } from '../platform/context.js';
import type { OrderStatus } from '../platform/db/schema.js';
import { errors } from '../platform/errors.js';
import { decodeCursor, encodeCursor } from '../platform/keyset-cursor.js';
import { hasForbiddenCharacters } from '../platform/text.js';
import { firstOrderQuery, orderCasesQuery, orderDetailQuery, orderItemsQuery, orderPageQuery, pageItemsQuery, type PageFilter } from './order-queries.js';
import { searchableTitle } from './placing.js';
import { refundedTotal, toSummary, unitsInReturns, type OrderCase, type OrderItem, type OrderSummary } from './order-view.js';

/**
 * Your Orders: the account's orders newest first, by keyset (an opaque cursor naming the last order shown,
 * never an offset), filtered by year, status and item title; and one order in full. Every query names the
 * account, so another customer's order id finds nothing and answers 404, never 403 (ASVS 8.2.2).
 */
export const ORDERS_PAGE_MAX = 50;
export const ORDERS_PAGE_DEFAULT = 10;
export const SEARCH_MAX = 100;

/** What the status filter offers: groups a customer thinks in, and each raw status for programs. */
export const STATUS_FILTERS: Record<string, readonly OrderStatus[]> = {
  open: ['placed', 'paid', 'shipped'],
  delivered: ['delivered'],
  cancelled: ['cancelled'],
  returned: ['returned', 'refunded'],
  placed: ['placed'],
  paid: ['paid'],
  shipped: ['shipped'],
  refunded: ['refunded'],
};

export interface OrderListOptions {
  before?: string;
  limit?: number;
  year?: number;
  status?: string;
  search?: string;
}

export interface OrderPage {
  orders: OrderSummary[];
  /** Pass back as `before` for the next (older) page; null on the last page. */
  next: string | null;
}

export async function listOrders(deps: Deps, accountId: string, options: OrderListOptions = {}): Promise<OrderPage> {
  const filter = parseListOptions(options);
  const rows = await orderPageQuery(deps.db, accountId, filter).execute();
  const page = rows.slice(0, filter.limit);
  const titles = new Map<string, Array<{ position: number; title: string }>>();
  if (page.length > 0) {
    for (const item of await pageItemsQuery(deps.db, page.map((row) => row.id)).execute()) {
      if (item.account_id !== accountId) continue;
      const list = titles.get(item.order_id) ?? [];
      list.push(item);
      titles.set(item.order_id, list);
    }
  }
  const last = page[page.length - 1];
  return {
    orders: page.map((row) => toSummary(row, (titles.get(row.id) ?? []).sort((a, b) => a.position - b.position).map((item) => item.title), deps.log)),
    next: rows.length > filter.limit && last ? encodeCursor({ at: last.placed_at, id: last.id }) : null,
  };
}

export interface OrderDetail extends OrderSummary {
  subtotal: number;
  shippingTotal: number;
  taxTotal: number;
  /** What the store has refunded so far, across the order's cases; the order is refunded once this is its total. */
  refunded: number;
  items: OrderItem[];
  cases: OrderCase[];
  /** The partner site that sold it through "Pay with"; null for the store's own orders. */
  soldBy: string | null;
}

export async function loadOrder(deps: Deps, accountId: string, orderId: string): Promise<OrderDetail> {
  const row = await orderDetailQuery(deps.db, accountId, orderId).executeTakeFirst();
  if (!row) throw errors.notFound('order');
  const [itemRows, caseRows] = await Promise.all([
    orderItemsQuery(deps.db, accountId, orderId).execute(),
    orderCasesQuery(deps.db, accountId, orderId).execute(),
  ]);
  const cases: OrderCase[] = caseRows.map((c) => ({
    id: c.id,
    kind: c.kind,
    itemId: c.item_id,
    quantity: c.quantity,
    reason: c.reason,
    details: c.details,
    status: c.status,
    resolution: c.resolution,
    refundAmount: c.refund_amount,
    createdAt: c.created_at,
    resolvedAt: c.resolved_at,
  }));
  // Case ids sort by creation (newSortableId): the tie-break for cases of one millisecond, without a sort in SQL.
  cases.sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const items: OrderItem[] = itemRows.map((i) => ({
    id: i.id,
    position: i.position,
    sku: i.sku,
    title: i.title,
    quantity: i.quantity,
    unitPrice: i.unit_price,
    lineTotal: i.line_total,
    inReturns: unitsInReturns(cases, i.id),
  }));
  return {
    ...toSummary(row, items.map((item) => item.title), deps.log),
    subtotal: row.subtotal,
    shippingTotal: row.shipping_total,
    taxTotal: row.tax_total,
    // A partner refunds through its own API, not through cases; both count towards what came back.
    refunded: refundedTotal(cases.map((c) => c.refundAmount)) + Number(row.partner_refunded),
    items,
    cases,
    soldBy: row.partner_id === null ? null : await partnerName(deps, row.partner_id),
  };
}

/** The years the filter offers: from the first order's to this one, newest first. */
export async function orderYears(deps: Deps, accountId: string): Promise<number[]> {
  const first = await firstOrderQuery(deps.db, accountId).executeTakeFirst();
  const thisYear = new Date(deps.clock.now()).getUTCFullYear();
  if (!first) return [];
  const years: number[] = [];
  for (let year = thisYear; year >= new Date(first.placed_at).getUTCFullYear(); year--) years.push(year);
  return years;
}

/** Every option checked before a query runs; problems are named by the query parameter the customer sent. */
function parseListOptions(options: OrderListOptions): PageFilter {
  const problems: Record<string, string> = {};
  const limit = options.limit ?? ORDERS_PAGE_DEFAULT;
  if (!Number.isInteger(limit) || limit < 1 || limit > ORDERS_PAGE_MAX) problems.limit = `Use a whole number from 1 to ${ORDERS_PAGE_MAX}.`;
  const filter: PageFilter = { limit };
  if (options.before !== undefined) {
    const cursor = decodeCursor(options.before);
    if (cursor) filter.cursor = { placedAt: cursor.at, id: cursor.id };
    else problems.before = 'This page link is not valid. Start again from the first page.';
  }
  if (options.year !== undefined) {
    if (Number.isInteger(options.year) && options.year >= 1970 && options.year <= 9999) {
      filter.placedRange = { from: Date.UTC(options.year, 0, 1), to: Date.UTC(options.year + 1, 0, 1) };
    } else problems.year = 'Choose a year from the list.';
  }
  if (options.status !== undefined) {
    const statuses = Object.hasOwn(STATUS_FILTERS, options.status) ? STATUS_FILTERS[options.status] : undefined;
    if (statuses) filter.statuses = statuses;
    else problems.status = 'Choose a status from the list.';
  }
  if (options.search !== undefined) {
    const search = normaliseSearch(options.search);
    if (typeof search === 'object') problems.q = search.problem;
    else if (search) filter.search = search;
  }
  if (Object.keys(problems).length > 0) throw errors.invalidInput(problems);
  return filter;
}

/**
 * The search column holds titles one per line in the form searchableTitle makes (NFKC, lower case, one space
 * for any run of white space); the query is folded by the same function, so a search never spans two titles.
 */
export function normaliseSearch(raw: string): string | { problem: string } {
  const tooLong = { problem: `Search with at most ${SEARCH_MAX} characters.` };
  if (raw.length > SEARCH_MAX * 4) return tooLong;
  const text = searchableTitle(raw);
  if ([...text].length > SEARCH_MAX) return tooLong;
  // The characters every free-text field refuses (NUL stops PostgreSQL; bidi overrides disguise text).
  if (hasForbiddenCharacters(text)) return { problem: 'Search with letters, numbers and punctuation only.' };
  return text;
}

async function partnerName(deps: Deps, partnerId: string): Promise<string> {
  const row = await deps.db.selectFrom('partners').select('name').where('id', '=', partnerId).executeTakeFirst();
  return row?.name ?? 'A partner site';
}
