import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DeliveryWorker } from '../../src/notify/delivery-worker.js';
import { openDatabase } from '../../src/platform/db/connect.js';
import { revokePartner } from '../../src/partners/partners.js';
import { webhookQueue } from '../../src/webhooks/delivery.js';
import type { WebhookEvent } from '../../src/webhooks/events.js';
import { verifyWebhookSignature } from '../../src/webhooks/verify.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { fakeLogger } from '../notify/fixtures.js';
import type { Receiver } from './receiver.js';
import { deliveryRows, endpoint, partner, queue, quietDeps, receiverFor } from './fixtures.js';

/**
 * Who receives what: the store's endpoints every event with the store's data; a partner's endpoints only the events
 * about that partner, with the partner's data alone (its pairwise sub, never an account id); and every delivery
 * exactly once, however many workers drain the queue.
 */
describe('webhook fan-out', () => {
  let t: TestApp;
  let receiver: Receiver;
  let a: string;
  let b: string;

  beforeEach(async () => {
    t = await createTestApp();
    receiver = await receiverFor(t);
    a = await partner(t, 'Partner A');
    b = await partner(t, 'Partner B');
  });
  afterEach(async () => {
    await t.close();
    await receiver.close();
  });

  const charge = (partnerId: string, n = 1): WebhookEvent => ({
    type: 'charge.succeeded',
    data: { account_id: 'acct-internal-123', order: { number: `100-${n}` }, partner_id: partnerId },
    partner: { id: partnerId, data: { sub: `pairwise-sub-${partnerId}`, charge: { id: `ch_${n}`, amount: 1299 } } },
  });
  const paths = () => receiver.received.map((r) => r.path).sort();

  it("a partner's endpoints get only that partner's events, with its data alone; the store's get every event with the store's data", async () => {
    await endpoint(t, receiver, '/store');
    await endpoint(t, receiver, '/a', a);
    await endpoint(t, receiver, '/b', b);
    await queue(quietDeps(t).deps, charge(a));
    expect(await t.app.worker.deliverDue()).toBe(2);

    expect(paths()).toEqual(['/a', '/store']);
    const toA = receiver.received.find((r) => r.path === '/a')!;
    const toStore = receiver.received.find((r) => r.path === '/store')!;
    expect(toA.json.data).toEqual({ sub: `pairwise-sub-${a}`, charge: { id: 'ch_1', amount: 1299 } });
    expect(toA.body).not.toContain('acct-internal-123');
    expect(toStore.json.data).toEqual(charge(a).data);
    // One event: the same id for both, each body signed with its own endpoint's secret.
    expect(toA.json.id).toBe(toStore.json.id);
    expect([toA.verified, toStore.verified]).toEqual([true, true]);
    // A secret per endpoint: what A received does not verify under the store's or B's secret.
    for (const other of ['/store', '/b']) {
      expect(verifyWebhookSignature({ secret: receiver.secrets.get(other)!, header: toA.headers['custos-signature'] as string, body: toA.body, now: toA.t })).toBe(false);
    }
  });

  it("events that are the store's alone (no partner) never reach a partner's endpoint", async () => {
    await endpoint(t, receiver, '/store');
    await endpoint(t, receiver, '/a', a);
    await queue(quietDeps(t).deps, { type: 'account.secured', data: { account_id: 'acct-internal-123', secured_at: '2026-01-15T12:00:00.000Z' } });
    await queue(quietDeps(t).deps, { type: 'case.opened', data: { id: 'case-1' } });
    expect(await t.app.worker.deliverDue()).toBe(2);
    expect(paths()).toEqual(['/store', '/store']);
  });

  it('a revoked partner gets nothing more; the store still hears of the event', async () => {
    await endpoint(t, receiver, '/store');
    await endpoint(t, receiver, '/a', a);
    expect(await revokePartner(t.app.deps, a)).toBe(true);
    await queue(quietDeps(t).deps, charge(a));
    expect(await t.app.worker.deliverDue()).toBe(1);
    expect(paths()).toEqual(['/store']);
  });

  it('an event naming an unknown partner goes to the store only', async () => {
    await endpoint(t, receiver, '/store');
    await endpoint(t, receiver, '/a', a);
    await queue(quietDeps(t).deps, charge('cp_not-a-partner'));
    expect(await t.app.worker.deliverDue()).toBe(1);
    expect(paths()).toEqual(['/store']);
  });

  it('50 events to a store and a partner endpoint: each delivered exactly once while two workers (two instances) drain at the same time', async () => {
    await endpoint(t, receiver, '/store');
    await endpoint(t, receiver, '/a', a);
    for (let n = 0; n < 50; n++) await queue(quietDeps(t).deps, charge(a, n));
    // The second worker has its own connection pool, as a second instance of the service would.
    const second = openDatabase({ databaseUrl: t.database.databaseUrl, dataDir: t.database.dataDir, poolSize: 4 });
    try {
      const { log } = fakeLogger();
      const hooks = webhookQueue({ db: second.kysely, clock: t.clock, log, keys: t.config.keys, timeoutMs: 5000 });
      const other = new DeliveryWorker({ db: second.kysely, clock: t.clock, log, devMailbox: false, scrubAfterSend: false, webhooks: hooks });
      let sent = 0;
      for (let round = 0; round < 10 && sent < 100; round++) {
        const [mine, theirs] = await Promise.all([t.app.worker.deliverDue(), other.deliverDue()]);
        sent += mine + theirs;
      }
      expect(sent).toBe(100);
    } finally {
      await second.close();
    }
    expect(receiver.received).toHaveLength(100);
    for (const path of ['/store', '/a']) {
      const ids = receiver.received.filter((r) => r.path === path).map((r) => r.json.id);
      expect(ids).toHaveLength(50);
      expect(new Set(ids).size).toBe(50);
    }
    expect(receiver.received.every((r) => r.verified)).toBe(true);
    expect((await deliveryRows(t)).every((r) => r.status === 'delivered' && r.attempts === 0)).toBe(true);
  });
});
