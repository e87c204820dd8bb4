import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { seed } from '../../src/cli/seed.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';

const NOW = Date.UTC(2026, 10, 1, 12);

/** The demo-data command: exact counts, consistent money and timelines, and a second run that adds rather than collides. */
describe('seeding demo accounts, wallets and orders', () => {
  let database: TestDatabase;
  beforeEach(async () => {
    database = await createTestDatabase();
  });
  afterEach(() => database.close());

  it('writes exactly the orders asked for, each with totals that add up to the minor unit', async () => {
    const progress: number[] = [];
    await seed(database.db, { accounts: 60, activity: 0, orders: 700, now: NOW, onProgress: (p) => progress.push(p.done / p.total) });
    const db = database.db.kysely;
    const orders = await db.selectFrom('orders').selectAll().execute();
    expect(orders).toHaveLength(700);
    expect(progress.at(-1)).toBe(1);

    const items = await db.selectFrom('order_items').selectAll().execute();
    const byOrder = new Map<string, typeof items>();
    for (const item of items) byOrder.set(item.order_id, [...(byOrder.get(item.order_id) ?? []), item]);
    for (const order of orders) {
      const lines = byOrder.get(order.id) ?? [];
      expect(lines).toHaveLength(order.item_count);
      for (const line of lines) {
        expect(line.line_total).toBe(line.unit_price * line.quantity);
        expect(line.account_id).toBe(order.account_id);
        expect(line.placed_at).toBe(order.placed_at);
      }
      expect(order.subtotal).toBe(lines.reduce((sum, line) => sum + line.line_total, 0));
      expect(order.total).toBe(order.subtotal + order.shipping_total + order.tax_total);
      expect(order.item_titles).toBe(lines.sort((a, b) => a.position - b.position).map((l) => l.title.toLowerCase()).join('\n'));
      expect(order.placed_at).toBeLessThanOrEqual(NOW);
      // A timeline only moves forward.
      const steps = [order.placed_at, order.paid_at, order.shipped_at, order.delivered_at, order.returned_at, order.refunded_at].filter((t) => t !== null);
      expect(steps).toEqual([...steps].sort((a, b) => a - b));
      expect(order.number).toMatch(/^\d{3}-\d{7}-\d{7}$/);
      expect(JSON.parse(order.shipping_address)).toMatchObject({ full_name: expect.any(String), country: expect.stringMatching(/^[A-Z]{2}$/) });
    }
  });

  it('gives customers addresses and cards, never a full card number, and some a recurring purchase', async () => {
    await seed(database.db, { accounts: 80, activity: 0, orders: 1600, now: NOW });
    const db = database.db.kysely;
    expect(await db.selectFrom('addresses').select('id').execute()).toHaveLength(80);
    const cards = await db.selectFrom('cards').selectAll().execute();
    expect(cards.length).toBeGreaterThan(30);
    for (const card of cards) expect(card.last4).toMatch(/^\d{4}$/);
    for (const card of cards) expect([card.gateway_token, card.fingerprint, card.billing_address].join(' ')).not.toMatch(/\d{13,}/);
    const repeats = await db
      .selectFrom('order_items')
      .select(['account_id', 'sku', (eb) => eb.fn.countAll<number>().as('times')])
      .groupBy(['account_id', 'sku'])
      .having((eb) => eb.fn.countAll(), '>=', 3)
      .execute();
    expect(repeats.length).toBeGreaterThan(0);
  });

  it('a second run adds orders to the existing accounts without colliding', async () => {
    await seed(database.db, { accounts: 20, activity: 0, orders: 100, now: NOW });
    await seed(database.db, { accounts: 0, activity: 0, orders: 50, now: NOW });
    const db = database.db.kysely;
    expect(await db.selectFrom('orders').select('id').execute()).toHaveLength(150);
    expect(await db.selectFrom('accounts').select('id').execute()).toHaveLength(20);
    expect(await db.selectFrom('addresses').select('id').execute()).toHaveLength(20);
  });
});
