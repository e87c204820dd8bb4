import type { Kysely } from 'kysely';
import type { Deps } from '../platform/context.js';
import { isOpaqueId } from '../platform/crypto.js';
import type { Database, OrderCaseKind, OrderCaseStatus, OrderStatus } from '../platform/db/schema.js';
import { errors } from '../platform/errors.js';
import { iso } from '../platform/format.js';

/**
 * A case as the store sees it: read by the store API (merchants/store-case-api.ts) and sent, in the same JSON, to
 * the store's webhook endpoints when a case is opened or decided (cases/case-events.ts), so an event carries
 * exactly what a poll of the case would have answered.
 */
export interface StoreCase {
  id: string;
  kind: OrderCaseKind;
  status: OrderCaseStatus;
  order: { number: string; status: OrderStatus; currency: string; total: number };
  /** The item a return is for, as it was ordered; null for disputes and fraud reports. */
  item: { sku: string; title: string; quantity: number } | null;
  quantity: number | null;
  reason: string;
  details: string;
  resolution: string | null;
  refundAmount: number | null;
  createdAt: number;
  resolvedAt: number | null;
}

export async function getStoreCase(deps: Pick<Deps, 'db'>, caseId: string): Promise<StoreCase> {
  const row = isOpaqueId(caseId) ? await caseQuery(deps.db).where('order_cases.id', '=', caseId).executeTakeFirst() : undefined;
  if (!row) throw errors.notFound('case');
  return toStoreCase(row);
}

export function caseQuery(db: Kysely<Database>) {
  return db
    .selectFrom('order_cases')
    .innerJoin('orders', 'orders.id', 'order_cases.order_id')
    .leftJoin('order_items', 'order_items.id', 'order_cases.item_id')
    .select([
      'order_cases.id', 'order_cases.kind', 'order_cases.status', 'order_cases.quantity', 'order_cases.reason', 'order_cases.details',
      'order_cases.resolution', 'order_cases.refund_amount', 'order_cases.created_at', 'order_cases.resolved_at',
      'orders.number', 'orders.status as order_status', 'orders.currency', 'orders.total',
      'order_items.sku', 'order_items.title', 'order_items.quantity as item_quantity',
    ]);
}

type CaseRow = Awaited<ReturnType<ReturnType<typeof caseQuery>['executeTakeFirstOrThrow']>>;

export function toStoreCase(row: CaseRow): StoreCase {
  return {
    id: row.id,
    kind: row.kind,
    status: row.status,
    order: { number: row.number, status: row.order_status, currency: row.currency, total: row.total },
    item: row.sku !== null && row.title !== null && row.item_quantity !== null ? { sku: row.sku, title: row.title, quantity: row.item_quantity } : null,
    quantity: row.quantity,
    reason: row.reason,
    details: row.details,
    resolution: row.resolution,
    refundAmount: row.refund_amount,
    createdAt: row.created_at,
    resolvedAt: row.resolved_at,
  };
}

/** The JSON of a case in the store API and in webhook events. */
export function storeCaseJson(c: StoreCase) {
  return {
    id: c.id,
    kind: c.kind,
    status: c.status,
    order: c.order,
    item: c.item,
    quantity: c.quantity,
    reason: c.reason,
    details: c.details,
    resolution: c.resolution,
    refund_amount: c.refundAmount,
    created_at: iso(c.createdAt),
    resolved_at: c.resolvedAt === null ? null : iso(c.resolvedAt),
  };
}
