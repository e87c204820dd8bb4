import { CompiledQuery, sql, type Compilable } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY, HOUR } from '../../src/platform/clock.js';
import { recurringCandidatesQuery, skuPurchasesQuery } from '../../src/orders/recurring.js';
import { orderCasesQuery, orderDetailQuery, orderItemsQuery, orderPageQuery, pageItemsQuery } from '../../src/orders/order-queries.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { testEngine } from '../helpers/database.js';
import { insertOrder } from '../helpers/order-fixtures.js';
import { signUpFrom } from '../helpers/fixtures.js';

/**
 * Your Orders must cost the same at 10 orders and at 10,000,000: every query is served by an index, none scans
 * a table, and the page never sorts (it reads orders_account_placed backwards and stops). The plans are read
 * from each engine itself: SQLite's EXPLAIN QUERY PLAN, and PostgreSQL's EXPLAIN with sequential scans priced
 * out (`SET LOCAL enable_seqscan = off`), so a tiny test table can't make a scan look cheaper than the index.
 * On a table this small PostgreSQL also prices a bitmap scan plus a sort of a dozen rows below the ordered walk;
 * the shape checks price that out too, and one test shows that for a large account it picks the walk by itself.
 */
async function planOf(t: TestApp, query: Compilable, options: { bitmapScans?: boolean } = {}): Promise<string> {
  const compiled = query.compile();
  const raw = t.database.db.raw;
  if ('sqlite' in raw) {
    const rows = raw.sqlite.prepare(`EXPLAIN QUERY PLAN ${compiled.sql}`).all(...(compiled.parameters as unknown[])) as Array<{ detail: string }>;
    return rows.map((row) => row.detail).join('\n');
  }
  return t.app.deps.db.transaction().execute(async (trx) => {
    await sql`SET LOCAL enable_seqscan = off`.execute(trx);
    if (!options.bitmapScans) await sql`SET LOCAL enable_bitmapscan = off`.execute(trx);
    const result = await trx.executeQuery<Record<string, string>>(CompiledQuery.raw(`EXPLAIN ${compiled.sql}`, [...compiled.parameters]));
    return result.rows.map((row) => row['QUERY PLAN']).join('\n');
  });
}

function expectPageServedByIndex(plan: string): void {
  if (testEngine === 'sqlite') {
    expect(plan).toMatch(/SEARCH orders USING INDEX orders_account_placed \(account_id=\?/);
    expect(plan).not.toMatch(/SCAN orders|SCAN order_items/);
    expect(plan).not.toMatch(/TEMP B-TREE/);
  } else {
    expect(plan).toMatch(/Index (Only )?Scan Backward using orders_account_placed on orders/);
    expect(plan).toMatch(/Index Cond: \(\(?account_id = /);
    expect(plan).not.toMatch(/Seq Scan|Sort/);
  }
}

describe(`query plans (${testEngine})`, () => {
  let t: TestApp;
  let accountId: string;
  let orderId: string;
  beforeAll(async () => {
    t = await createTestApp();
    ({ accountId } = await signUpFrom(t, { email: 'plans@example.com' }));
    const { accountId: other } = await signUpFrom(t, { email: 'plans-other@example.com' });
    const start = Date.UTC(2024, 0, 1);
    for (let i = 0; i < 60; i++) {
      const owner = i % 3 === 0 ? other : accountId;
      const made = await insertOrder(t, owner, {
        placedAt: start + i * 7 * DAY + (i % 5) * HOUR,
        status: (['delivered', 'shipped', 'cancelled', 'refunded'] as const)[i % 4],
        items: [
          { sku: `SKU-${i % 7}`, title: `Thing ${i}`, quantity: 1, unitPrice: 500 + i },
          { sku: 'SKU-X', title: 'Extra', quantity: 2, unitPrice: 100 },
        ],
      });
      if (owner === accountId) orderId = made.id;
    }
    // What production has: statistics from autovacuum (PostgreSQL) or the bench's ANALYZE (SQLite).
    await sql`ANALYZE`.execute(t.app.deps.db);
  });
  afterAll(() => t.close());

  it('the first page: a backwards walk of orders_account_placed, no scan, no sort', async () => {
    expectPageServedByIndex(await planOf(t, orderPageQuery(t.app.deps.db, accountId, { limit: 10 })));
  });

  it('a later page: the cursor is a range on the same index', async () => {
    const plan = await planOf(t, orderPageQuery(t.app.deps.db, accountId, { limit: 10, cursor: { placedAt: Date.UTC(2024, 6, 1), id: 'abc' } }));
    expectPageServedByIndex(plan);
    if (testEngine === 'sqlite') expect(plan).toMatch(/\(account_id=\? AND \(placed_at,id\)<\(\?,\?\)\)/);
    else expect(plan).toMatch(/Index Cond: \(\(account_id = .*\) AND \(ROW\(placed_at, id\) < ROW\(/);
  });

  it('a year filter: a placed_at range on the index', async () => {
    const plan = await planOf(t, orderPageQuery(t.app.deps.db, accountId, { limit: 10, placedRange: { from: Date.UTC(2024, 0, 1), to: Date.UTC(2025, 0, 1) } }));
    expectPageServedByIndex(plan);
    if (testEngine === 'sqlite') expect(plan).toMatch(/account_id=\? AND placed_at>\? AND placed_at<\?/);
    else expect(plan).toMatch(/Index Cond: \(\(account_id = .*\) AND \(placed_at >= .*\) AND \(placed_at < /);
  });

  it('a status filter, a search and a cursor together: still the index, still no sort', async () => {
    expectPageServedByIndex(await planOf(t, orderPageQuery(t.app.deps.db, accountId, { limit: 10, statuses: ['delivered'] })));
    expectPageServedByIndex(await planOf(t, orderPageQuery(t.app.deps.db, accountId, { limit: 10, search: '50%_off' })));
    expectPageServedByIndex(
      await planOf(t, orderPageQuery(t.app.deps.db, accountId, { limit: 10, statuses: ['placed', 'paid', 'shipped'], search: 'thing', placedRange: { from: 0, to: Date.UTC(2030, 0, 1) }, cursor: { placedAt: Date.UTC(2024, 6, 1), id: 'abc' } })),
    );
  });

  it('a large account: the planner walks the index by itself, bitmap scans allowed', async () => {
    const { accountId: heavy } = await signUpFrom(t, { email: 'plans-heavy@example.com' });
    for (let i = 0; i < 400; i++) await insertOrder(t, heavy, { placedAt: Date.UTC(2020, 0, 1) + i * DAY, status: i % 9 === 0 ? 'cancelled' : 'delivered' });
    await sql`ANALYZE`.execute(t.app.deps.db);
    expectPageServedByIndex(await planOf(t, orderPageQuery(t.app.deps.db, heavy, { limit: 10 }), { bitmapScans: true }));
    expectPageServedByIndex(await planOf(t, orderPageQuery(t.app.deps.db, heavy, { limit: 10, cursor: { placedAt: Date.UTC(2020, 6, 1), id: 'abc' } }), { bitmapScans: true }));
  });

  it('recurring purchases: order_items_account_sku, read in its own order', async () => {
    const candidates = await planOf(t, recurringCandidatesQuery(t.app.deps.db, accountId));
    const purchases = await planOf(t, skuPurchasesQuery(t.app.deps.db, accountId, 'SKU-1'));
    if (testEngine === 'sqlite') {
      expect(candidates).toMatch(/SEARCH order_items USING COVERING INDEX order_items_account_sku \(account_id=\?\)/);
      expect(purchases).toMatch(/SEARCH order_items USING INDEX order_items_account_sku \(account_id=\? AND sku=\?\)/);
      expect(purchases).toMatch(/SEARCH orders USING INDEX sqlite_autoindex_orders_\d \(id=\?\)/);
      for (const plan of [candidates, purchases]) expect(plan).not.toMatch(/SCAN order_items|SCAN orders/);
      // Grouping rides the index order; only the few grouped SKUs are sorted by their last purchase.
      expect(candidates).not.toMatch(/TEMP B-TREE FOR GROUP BY/);
      expect(purchases).not.toMatch(/TEMP B-TREE/);
    } else {
      expect(candidates).toMatch(/Index Only Scan using order_items_account_sku on order_items/);
      expect(purchases).toMatch(/Index Scan Backward using order_items_account_sku on order_items/);
      for (const plan of [candidates, purchases]) expect(plan).not.toMatch(/Seq Scan/);
      expect(candidates).toMatch(/GroupAggregate/);
      expect(purchases).not.toMatch(/Sort/);
    }
  });

  it('order detail: the order by its primary key, items and cases by order_id', async () => {
    const order = await planOf(t, orderDetailQuery(t.app.deps.db, accountId, orderId));
    const items = await planOf(t, orderItemsQuery(t.app.deps.db, accountId, orderId));
    const cases = await planOf(t, orderCasesQuery(t.app.deps.db, accountId, orderId));
    const pageItems = await planOf(t, pageItemsQuery(t.app.deps.db, [orderId, ...Array.from({ length: 9 }, (_, n) => `another-id-${n}`)]));
    if (testEngine === 'sqlite') {
      expect(order).toMatch(/SEARCH orders USING INDEX sqlite_autoindex_orders_\d \(id=\?\)/);
      expect(items).toMatch(/SEARCH order_items USING INDEX order_items_order \(order_id=\?\)/);
      expect(cases).toMatch(/SEARCH order_cases USING INDEX order_cases_order \(order_id=\?\)/);
      expect(pageItems).toMatch(/SEARCH order_items USING INDEX order_items_order \(order_id=\?\)/);
      for (const plan of [order, items, cases, pageItems]) expect(plan).not.toMatch(/SCAN|TEMP B-TREE/);
    } else {
      expect(order).toMatch(/Index Scan using orders_pkey on orders/);
      expect(items).toMatch(/Index Scan using order_items_order on order_items/);
      expect(cases).toMatch(/Index Scan using order_cases_order on order_cases/);
      expect(pageItems).toMatch(/Index Scan using order_items_order on order_items|Bitmap Index Scan on order_items_order/);
      for (const plan of [order, items, cases, pageItems]) expect(plan).not.toMatch(/Seq Scan/);
      for (const plan of [order, items, cases]) expect(plan).not.toMatch(/Sort/);
    }
  });
});
