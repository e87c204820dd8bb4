import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/platform/clock.js';
import { insertOutboxRow } from '../../src/platform/outbox.js';
import { DeliveryWorker, MAX_ATTEMPTS, retryDelay } from '../../src/notify/delivery-worker.js';
import { phoneCodeSms } from '../../src/settings/messages.js';
import { createWebhookSmsTransport } from '../../src/notify/sms-transport.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { fakeLogger, startSmsGateway } from './fixtures.js';

describe('SMS delivery over the webhook', () => {
  let testDb: TestDatabase;
  let gateway: Awaited<ReturnType<typeof startSmsGateway>> | undefined;
  let clock: ManualClock;

  beforeEach(async () => {
    testDb = await createTestDatabase();
    clock = new ManualClock();
  });

  afterEach(async () => {
    await gateway?.close();
    gateway = undefined;
    await testDb.close();
  });

  async function setUp(statuses: number[] = []) {
    gateway = await startSmsGateway(statuses);
    const { log, entries } = fakeLogger();
    const sms = createWebhookSmsTransport(gateway.url);
    const worker = new DeliveryWorker({ db: testDb.db.kysely, clock, log, sms, devMailbox: false, scrubAfterSend: false });
    await insertOutboxRow(testDb.db.kysely, clock, phoneCodeSms({ to: '+15555550123', code: '123456' }));
    return { gateway, worker, entries };
  }

  const outboxRow = () => testDb.db.kysely.selectFrom('outbox').selectAll().executeTakeFirstOrThrow();

  it('posts exactly the recipient and the body as JSON', async () => {
    const { gateway, worker } = await setUp();

    expect(await worker.deliverDue()).toBe(1);

    expect(gateway.requests).toHaveLength(1);
    const request = gateway.requests[0]!;
    expect(request.method).toBe('POST');
    expect(request.contentType).toBe('application/json');
    expect(JSON.parse(request.body)).toEqual({
      to: '+15555550123',
      body: "Custos: 123456 is your code to confirm this phone number. It expires in 10 minutes. Don't share it with anyone.",
    });
    expect((await outboxRow()).status).toBe('sent');
  });

  it('retries after 30 seconds when the gateway fails, and not before', async () => {
    const { gateway, worker, entries } = await setUp([500]);
    const failedAt = clock.now();

    expect(await worker.deliverDue()).toBe(0);
    expect(await outboxRow()).toMatchObject({
      status: 'pending',
      attempts: 1,
      next_attempt_at: failedAt + 30_000,
      locked_until: null,
      last_error: 'SMS webhook answered HTTP 500',
    });

    clock.advance(29_999);
    expect(await worker.deliverDue()).toBe(0);
    expect(gateway.requests).toHaveLength(1);

    clock.advance(1);
    expect(await worker.deliverDue()).toBe(1);
    expect(gateway.requests).toHaveLength(2);
    expect(await outboxRow()).toMatchObject({ status: 'sent', attempts: 1, sent_at: clock.now() });
    expect(JSON.stringify(entries)).not.toContain('gateway detail');
  });

  it(`gives up after ${MAX_ATTEMPTS} failures, waiting longer each time up to an hour`, async () => {
    const { gateway, worker, entries } = await setUp(Array(20).fill(503));
    const waits: number[] = [];

    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      expect(await worker.deliverDue()).toBe(0);
      const row = await outboxRow();
      expect(row.attempts).toBe(attempt);
      waits.push(row.next_attempt_at - clock.now());
      clock.set(row.next_attempt_at);
    }

    expect(waits.slice(0, -1)).toEqual([30, 60, 120, 240, 480, 960, 1920].map((s) => s * 1000));
    expect(retryDelay(8)).toBe(3_600_000);
    expect((await outboxRow()).status).toBe('failed');
    expect(await worker.deliverDue()).toBe(0);
    expect(gateway.requests).toHaveLength(MAX_ATTEMPTS);
    expect(entries.filter((e) => e.level === 'error')).toHaveLength(1);
  });

  it('fails an attempt when the gateway cannot be reached', async () => {
    const { gateway, worker } = await setUp();
    await gateway.close();

    expect(await worker.deliverDue()).toBe(0);
    const row = await outboxRow();
    expect(row.attempts).toBe(1);
    expect(row.last_error).toMatch(/^SMS webhook unreachable/);
  });
});
