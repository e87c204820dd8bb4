import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/platform/clock.js';
import { insertOutboxRow } from '../../src/platform/outbox.js';
import { DeliveryWorker } from '../../src/notify/delivery-worker.js';
import { createSmtpTransport } from '../../src/notify/email-transport.js';
import { signupConfirmationEmail } from '../../src/signup/messages.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { fakeLogger } from './fixtures.js';
import { startMailServer, type MailServer } from '../helpers/mail-server.js';

describe('email delivery over SMTP', () => {
  let testDb: TestDatabase;
  let smtp: MailServer;
  let transport: ReturnType<typeof createSmtpTransport>;
  const clock = new ManualClock();

  beforeEach(async () => {
    testDb = await createTestDatabase();
    smtp = await startMailServer();
    transport = createSmtpTransport(smtp.url, 'Custos <no-reply@shop.example>');
  });

  afterEach(async () => {
    transport.close();
    await smtp.close();
    await testDb.close();
  });

  function worker() {
    const { log } = fakeLogger();
    return new DeliveryWorker({ db: testDb.db.kysely, clock, log, email: transport, devMailbox: false, scrubAfterSend: false });
  }

  it('sends a template with a text part and an HTML part', async () => {
    const message = signupConfirmationEmail({
      to: 'jane@example.com',
      code: '482913',
      link: 'https://shop.example/signup/confirm?t=abc',
      publicUrl: 'https://shop.example',
    });
    await insertOutboxRow(testDb.db.kysely, clock, message);

    expect(await worker().deliverDue()).toBe(1);

    expect(smtp.received).toHaveLength(1);
    const mail = smtp.received[0]!;
    expect(mail.subject).toBe('Confirm your email address');
    expect(mail.from?.value[0]).toMatchObject({ name: 'Custos', address: 'no-reply@shop.example' });
    expect(mail.to && !Array.isArray(mail.to) ? mail.to.text : '').toBe('jane@example.com');
    expect(mail.text).toContain('482913');
    expect(mail.html || '').toContain('482913');
    expect(mail.html || '').toContain('href="https://shop.example/signup/confirm?t=abc"');
    const row = await testDb.db.kysely.selectFrom('outbox').selectAll().executeTakeFirstOrThrow();
    expect(row.status).toBe('sent');
    expect(row.sent_at).toBe(clock.now());
    expect(row.locked_until).toBeNull();
  });

  it('adds an HTML part to a message that has only text', async () => {
    await insertOutboxRow(testDb.db.kysely, clock, {
      channel: 'email',
      template: 'plain',
      recipient: 'sam@example.com',
      subject: 'Plain',
      text: 'First line\nsecond <line>\n\nNext paragraph',
    });

    expect(await worker().deliverDue()).toBe(1);

    const mail = smtp.received[0]!;
    expect(mail.text).toContain('second <line>');
    expect(mail.html || '').toContain('second &lt;line&gt;');
  });

  it('records an SMTP failure for a retry, without the content', async () => {
    await smtp.close();
    await insertOutboxRow(
      testDb.db.kysely,
      clock,
      signupConfirmationEmail({ to: 'jane@example.com', code: '482913', link: 'https://shop.example/x', publicUrl: 'https://shop.example' }),
    );

    expect(await worker().deliverDue()).toBe(0);

    const row = await testDb.db.kysely.selectFrom('outbox').selectAll().executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'pending', attempts: 1, next_attempt_at: clock.now() + 30_000, locked_until: null });
    expect(row.last_error).toBeTruthy();
    expect(row.last_error).not.toContain('482913');
    smtp = await startMailServer(); // afterEach closes a running server
  });
});
