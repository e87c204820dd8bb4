import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/platform/clock.js';
import { openDatabase, type Db } from '../../src/platform/db/connect.js';
import { insertOutboxRow } from '../../src/platform/outbox.js';
import { DeliveryWorker, type DeliveryWorkerDeps } from '../../src/notify/delivery-worker.js';
import type { EmailTransport } from '../../src/notify/email-transport.js';
import { signupConfirmationEmail } from '../../src/signup/messages.js';
import { phoneCodeSms } from '../../src/settings/messages.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { fakeLogger } from './fixtures.js';

/** An in-memory transport that yields to the event loop during each send, as a network send would. */
function recordingTransport(onSend?: () => Promise<void>): EmailTransport & { sent: string[] } {
  const sent: string[] = [];
  return {
    sent,
    async send(m) {
      await new Promise((resolve) => setImmediate(resolve));
      await onSend?.();
      sent.push(m.to);
    },
  };
}

describe('DeliveryWorker', () => {
  let testDb: TestDatabase;
  let clock: ManualClock;

  beforeEach(async () => {
    testDb = await createTestDatabase();
    clock = new ManualClock();
  });

  afterEach(async () => {
    await testDb.close();
  });

  const db = () => testDb.db.kysely;
  const rows = () => db().selectFrom('outbox').selectAll().orderBy('recipient').execute();

  function worker(overrides: Partial<DeliveryWorkerDeps> = {}) {
    const { log, entries } = fakeLogger();
    const deps = { db: db(), clock, log, devMailbox: false, scrubAfterSend: false, ...overrides };
    return { worker: new DeliveryWorker(deps), entries };
  }

  async function enqueueEmails(count: number) {
    for (let i = 0; i < count; i++) {
      const to = `customer${String(i).padStart(2, '0')}@example.com`;
      await insertOutboxRow(db(), clock, signupConfirmationEmail({ to, code: '271828', link: 'https://shop.example/c', publicUrl: 'https://shop.example' }));
    }
  }

  it('sends each message exactly once when two workers run at the same time', async () => {
    await enqueueEmails(30);
    // The second worker has its own connection, as a second instance of the service would.
    const secondDb: Db = openDatabase({ databaseUrl: testDb.databaseUrl, dataDir: testDb.dataDir, poolSize: 4 });
    try {
      const first = recordingTransport();
      const second = recordingTransport();
      const a = worker({ email: first }).worker;
      const b = worker({ email: second, db: secondDb.kysely }).worker;

      const [sentByA, sentByB] = await Promise.all([a.deliverDue(50), b.deliverDue(50)]);

      expect(sentByA + sentByB).toBe(30);
      const all = [...first.sent, ...second.sent].sort();
      expect(all).toHaveLength(30);
      expect(new Set(all).size).toBe(30);
      expect((await rows()).every((r) => r.status === 'sent')).toBe(true);
    } finally {
      await secondDb.close();
    }
  });

  it('does not send a message another worker has claimed, until the claim lapses', async () => {
    await enqueueEmails(1);
    const other = worker({ email: recordingTransport() }).worker;
    let sentByOtherDuringSend = -1;
    const slow = recordingTransport(async () => {
      sentByOtherDuringSend = await other.deliverDue();
    });

    expect(await worker({ email: slow }).worker.deliverDue()).toBe(1);

    expect(sentByOtherDuringSend).toBe(0);
    expect(slow.sent).toHaveLength(1);
  });

  it('does not send a message that another worker tried and scheduled for retry after this one selected it', async () => {
    await enqueueEmails(2);
    const failing: EmailTransport = { send: async () => Promise.reject(new Error('relay down')) };
    const other = worker({ email: failing }).worker;
    // While the first worker sends its first message, the other worker tries the second one and fails.
    const first = recordingTransport(async () => {
      if (first.sent.length === 0) await other.deliverDue();
    });

    expect(await worker({ email: first }).worker.deliverDue()).toBe(1);

    expect(first.sent).toHaveLength(1);
    const second = (await rows()).find((r) => r.recipient !== first.sent[0]);
    expect(second).toMatchObject({ status: 'pending', attempts: 1, next_attempt_at: clock.now() + 30_000, last_error: 'relay down' });
  });

  it('picks up a message whose claim lapsed (the worker holding it died)', async () => {
    await enqueueEmails(1);
    await db().updateTable('outbox').set({ locked_until: clock.now() + 60_000 }).execute();
    const email = recordingTransport();
    const { worker: w } = worker({ email });

    expect(await w.deliverDue()).toBe(0);
    clock.advance(60_001);
    expect(await w.deliverDue()).toBe(1);
  });

  it('blanks the bodies after sending when scrubAfterSend is set, and never logs codes or addresses', async () => {
    await enqueueEmails(1);
    await insertOutboxRow(db(), clock, phoneCodeSms({ to: '+15555550167', code: '314159' }));
    const sms = { sent: 0, send: async () => void sms.sent++ };
    const { worker: w, entries } = worker({ email: recordingTransport(), sms, scrubAfterSend: true });

    expect(await w.deliverDue()).toBe(2);

    for (const row of await rows()) expect(row).toMatchObject({ status: 'sent', text_body: '', html_body: null });
    const logged = JSON.stringify(entries);
    expect(entries.length).toBeGreaterThan(0);
    for (const secret of ['271828', '314159', 'customer00@example.com', '+15555550167', 'shop.example/c']) {
      expect(logged).not.toContain(secret);
    }
    expect(logged).toContain('c•••@e•••.com');
    expect(logged).toContain('+1 •••• ••67');
  });

  it('in development, counts a channel without a transport as delivered to the mailbox and keeps the content', async () => {
    await insertOutboxRow(db(), clock, phoneCodeSms({ to: '+15555550167', code: '314159' }));
    const { worker: w } = worker({ devMailbox: true, scrubAfterSend: true });

    expect(await w.deliverDue()).toBe(1);

    const [row] = await rows();
    expect(row).toMatchObject({ status: 'sent' });
    expect(row!.text_body).toContain('314159');
  });

  it('otherwise leaves such messages pending, warns once, and still sends the other channel', async () => {
    await insertOutboxRow(db(), clock, phoneCodeSms({ to: '+15555550167', code: '314159' }));
    await enqueueEmails(1);
    const { worker: w, entries } = worker({ email: recordingTransport() });

    expect(await w.deliverDue()).toBe(1);
    expect(await w.deliverDue()).toBe(0);

    const sms = (await rows()).find((r) => r.channel === 'sms');
    expect(sms).toMatchObject({ status: 'pending', attempts: 0, locked_until: null });
    expect(entries.filter((e) => e.level === 'warn')).toHaveLength(1);
  });

  it('coalesces kicks into one pass and waits for it on stop', async () => {
    await enqueueEmails(3);
    const email = recordingTransport();
    const { worker: w } = worker({ email });

    w.kick();
    w.kick();
    w.kick();
    await new Promise((resolve) => setImmediate(resolve));
    await w.stop();

    expect(email.sent).toHaveLength(3);
    w.kick();
    expect(email.sent).toHaveLength(3);
  });
});
