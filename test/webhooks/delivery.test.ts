import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { inTransaction } from '../../src/platform/db/transaction.js';
import { CLAIM_MS, MAX_ATTEMPTS, retryDelay } from '../../src/notify/delivery-worker.js';
import { loadConfig } from '../../src/config.js';
import { webhookQueue } from '../../src/webhooks/delivery.js';
import { listEndpoints, removeEndpoint } from '../../src/webhooks/endpoints.js';
import { queueWebhookEvent, type WebhookEvent } from '../../src/webhooks/events.js';
import { verifyWebhookSignature } from '../../src/webhooks/verify.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { fakeLogger } from '../notify/fixtures.js';
import type { Receiver } from './receiver.js';
import { deliveryRows, endpoint, queue, quietDeps, receiverFor } from './fixtures.js';

/**
 * Webhooks go out through the delivery worker over real HTTP to a receiver on 127.0.0.1 that checks every
 * signature with verifyWebhookSignature at the test's clock. SECURITY.md: "Webhooks are signed (HMAC-SHA256 over
 * timestamp and body), replay-windowed, and retried from the outbox."
 */
describe('webhook delivery', () => {
  let t: TestApp;
  let receiver: Receiver;
  const event: WebhookEvent = { type: 'case.opened', data: { id: 'case-1', kind: 'return', note: 'Zoë’s “order” ✓' } };

  beforeEach(async () => {
    t = await createTestApp();
    receiver = await receiverFor(t);
  });
  afterEach(async () => {
    await t.close();
    await receiver.close();
  });

  const deliverDue = () => t.app.worker.deliverDue();
  const nowSeconds = () => Math.floor(t.clock.now() / 1000);

  it('a committed event wakes the worker and arrives signed, with its id, type, created time, data and headers', async () => {
    await endpoint(t, receiver, '/hooks');
    await queue(t.app.deps, event);
    await vi.waitFor(() => expect(receiver.received).toHaveLength(1), { timeout: 3000, interval: 20 });
    const [got] = receiver.received;
    expect(got!.verified).toBe(true);
    expect(got!.json).toEqual({ id: expect.stringMatching(/^evt_[\w-]{22}$/), type: 'case.opened', created: nowSeconds(), data: event.data });
    expect(got!.headers['content-type']).toBe('application/json');
    expect(got!.headers['custos-event-id']).toBe(got!.json.id);
    expect(got!.headers['custos-signature']).toMatch(new RegExp(`^t=${nowSeconds()},v1=[0-9a-f]{64}$`));
    await vi.waitFor(async () => expect((await deliveryRows(t))[0]).toMatchObject({ status: 'delivered', attempts: 0, delivered_at: t.clock.now() }));
  });

  it('SECURITY.md webhooks are retried from the outbox: a 500 then a 200 is retried after the backoff with the same event id and body, and a fresh signature time', async () => {
    await endpoint(t, receiver, '/hooks');
    receiver.answer(500);
    await queue(quietDeps(t).deps, event);
    expect(await deliverDue()).toBe(0);
    const [failed] = await deliveryRows(t);
    expect(failed).toMatchObject({ status: 'pending', attempts: 1, last_error: 'HTTP 500', next_attempt_at: t.clock.now() + retryDelay(1) });

    t.clock.advance(retryDelay(1) - 1);
    expect(await deliverDue()).toBe(0);
    expect(receiver.received).toHaveLength(1);
    t.clock.advance(1);
    expect(await deliverDue()).toBe(1);

    const [first, second] = receiver.received;
    expect(second!.json.id).toBe(first!.json.id);
    expect(second!.body).toBe(first!.body);
    expect(second!.t).toBe(first!.t + retryDelay(1) / 1000);
    expect([first!.verified, second!.verified]).toEqual([true, true]);
    expect((await deliveryRows(t))[0]).toMatchObject({ status: 'delivered', attempts: 1, last_error: null });
  });

  it('SECURITY.md webhooks are replay-windowed: a retry is signed when it is sent: half an hour later it still passes the 300 s replay window, which a replayed first request does not', async () => {
    await endpoint(t, receiver, '/hooks');
    receiver.answer(503, 503, 503, 503, 503, 503);
    await queue(quietDeps(t).deps, event);
    for (let attempt = 1; attempt <= 6; attempt++) {
      await deliverDue();
      t.clock.advance(retryDelay(attempt));
    }
    expect(await deliverDue()).toBe(1);
    const first = receiver.received[0]!;
    const last = receiver.received.at(-1)!;
    expect(last.t - first.t).toBe(1890);
    expect(last.verified).toBe(true);
    const replayed = verifyWebhookSignature({ secret: receiver.secrets.get('/hooks')!, header: first.headers['custos-signature'] as string, body: first.body, now: nowSeconds() });
    expect(replayed).toBe(false);
  });

  it('a receiver that never answers times out and the event is retried', async () => {
    await endpoint(t, receiver, '/hooks');
    receiver.answer('hang');
    await queue(quietDeps(t).deps, event);
    // The app waits WEBHOOK_TIMEOUT_MS (10 s by default); this queue, the same code, a quarter of a second.
    const hooks = webhookQueue({ db: t.app.deps.db, clock: t.clock, log: fakeLogger().log, keys: t.config.keys, timeoutMs: 250 });
    expect(await hooks.deliverDue(20)).toBe(0);
    expect((await deliveryRows(t))[0]).toMatchObject({ status: 'pending', attempts: 1, last_error: 'timed out after 250 ms' });
    t.clock.advance(retryDelay(1));
    expect(await hooks.deliverDue(20)).toBe(1);
    expect(receiver.received.map((r) => r.json.id)).toEqual([receiver.received[0]!.json.id, receiver.received[0]!.json.id]);
  });

  it('a redirect is not followed: it counts as a failed attempt, and nothing reaches the redirect target', async () => {
    await endpoint(t, receiver, '/hooks');
    receiver.answer({ redirect: receiver.url('/elsewhere') });
    await queue(quietDeps(t).deps, event);
    expect(await deliverDue()).toBe(0);
    expect(receiver.received.map((r) => r.path)).toEqual(['/hooks']);
    expect((await deliveryRows(t))[0]).toMatchObject({ status: 'pending', attempts: 1, last_error: 'HTTP 302' });
  });

  it(`gives up after ${MAX_ATTEMPTS} attempts with the outbox's backoff, logs it without the body or secret, and the list counts it failed`, async () => {
    const id = await endpoint(t, receiver, '/hooks');
    receiver.answer(...Array<number>(MAX_ATTEMPTS).fill(500));
    await queue(quietDeps(t).deps, event);
    const { log, entries } = fakeLogger();
    const hooks = webhookQueue({ db: t.app.deps.db, clock: t.clock, log, keys: t.config.keys, timeoutMs: 5000 });
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      expect(await hooks.deliverDue(20)).toBe(0);
      t.clock.advance(retryDelay(attempt));
    }
    t.clock.advance(24 * 3600_000);
    expect(await hooks.deliverDue(20)).toBe(0);
    expect(receiver.received).toHaveLength(MAX_ATTEMPTS);
    expect((await deliveryRows(t))[0]).toMatchObject({ status: 'failed', attempts: MAX_ATTEMPTS, last_error: 'HTTP 500' });
    expect(entries.filter((e) => e.level === 'warn')).toHaveLength(MAX_ATTEMPTS - 1);
    expect(entries.filter((e) => e.level === 'error')).toEqual([
      { level: 'error', message: 'webhook delivery failed; giving up', fields: expect.objectContaining({ endpoint: id, type: 'case.opened', attempts: MAX_ATTEMPTS }) },
    ]);
    const logged = JSON.stringify(entries);
    expect(logged).not.toContain('Zoë');
    expect(logged).not.toContain(receiver.secrets.get('/hooks')!);
    const [listed] = await listEndpoints(t.app.deps);
    expect(listed!.deliveries).toEqual({ delivered: 0, pending: 0, retrying: 0, failed: 1 });
    expect(listed!.lastError).toBe('HTTP 500');
  });

  it('a rolled-back transaction queues nothing and wakes nothing', async () => {
    await endpoint(t, receiver, '/hooks');
    const quiet = quietDeps(t);
    await expect(
      inTransaction(quiet.deps, async (tx) => {
        await queueWebhookEvent(tx, event);
        throw new Error('the change failed after queueing its event');
      }),
    ).rejects.toThrow('the change failed');
    expect(quiet.wakes()).toBe(0);
    expect(await deliveryRows(t)).toEqual([]);
    expect(await deliverDue()).toBe(0);
    expect(receiver.received).toEqual([]);
  });

  it('events queued in one transaction wake the worker once, after the commit', async () => {
    await endpoint(t, receiver, '/hooks');
    const quiet = quietDeps(t);
    await inTransaction(quiet.deps, async (tx) => {
      await queueWebhookEvent(tx, event);
      await queueWebhookEvent(tx, { ...event, type: 'case.decided' });
      expect(quiet.wakes()).toBe(0);
    });
    expect(quiet.wakes()).toBe(1);
  });

  it('a removed endpoint gets nothing more: its waiting retry is dropped and later events skip it', async () => {
    const id = await endpoint(t, receiver, '/hooks');
    await endpoint(t, receiver, '/other');
    receiver.answer(500);
    await queue(quietDeps(t).deps, event);
    await deliverDue();
    expect(receiver.received).toHaveLength(2);

    expect(await removeEndpoint(t.app.deps, id)).toBe(true);
    expect(await removeEndpoint(t.app.deps, id)).toBe(false);
    t.clock.advance(retryDelay(1));
    await queue(quietDeps(t).deps, event);
    expect(await deliverDue()).toBe(1);
    expect(receiver.received.filter((r) => r.path === '/hooks')).toHaveLength(1);
    expect(receiver.received.filter((r) => r.path === '/other')).toHaveLength(2);
    const rows = await deliveryRows(t);
    expect(rows.filter((r) => r.endpoint_id === id).map((r) => r.status)).toEqual(['dropped']);
  });

  it('webhooks never touch the message budget, the message records or the outbox', async () => {
    await endpoint(t, receiver, '/hooks');
    for (let i = 0; i < 3; i++) await queue(quietDeps(t).deps, event);
    expect(await deliverDue()).toBe(3);
    const { db } = t.app.deps;
    expect(await db.selectFrom('outbox').select('id').execute()).toEqual([]);
    expect(await db.selectFrom('message_records').select('id').execute()).toEqual([]);
    expect(await db.selectFrom('message_budgets').select('key').execute()).toEqual([]);
  });

  it('with no endpoint registered, an event writes nothing and wakes nothing', async () => {
    const quiet = quietDeps(t);
    await queue(quiet.deps, event);
    expect(await deliveryRows(t)).toEqual([]);
    expect(quiet.wakes()).toBe(0);
  });

  it('WEBHOOK_TIMEOUT_MS defaults to 10 s and stays below the worker\'s claim, so a claim never lapses mid-send', () => {
    expect(t.config.webhookTimeoutMs).toBe(10_000);
    expect(loadConfig({ WEBHOOK_TIMEOUT_MS: '250' }).webhookTimeoutMs).toBe(250);
    for (const bad of ['99', '30001', '60000', 'soon', '1.5']) expect(() => loadConfig({ WEBHOOK_TIMEOUT_MS: bad })).toThrow(/WEBHOOK_TIMEOUT_MS/);
    expect(30_000).toBeLessThan(CLAIM_MS);
  });
});
