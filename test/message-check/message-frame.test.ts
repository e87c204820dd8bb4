import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { api, createTestApp, lastMessageTo, type TestApp } from '../helpers/app.js';
import { messagesTo, signUpFrom } from '../helpers/fixtures.js';
import { enqueueMessage, enqueueWithheld } from '../../src/notify/enqueue.js';
import { securityNoticeEmail } from '../../src/notify/messages.js';
import { securityNoticeSms } from '../../src/notify/alert-messages.js';
import { recordOf, referenceIn } from './fixtures.js';

describe('every message carries its reference (PRODUCT.md 11, added after any template)', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(async () => {
    await t.close();
  });

  it('an email ends, in both parts, with a reference that is its own record and a link to the check page', async () => {
    await signUpFrom(t, { email: 'jane@example.com' });
    const message = (await lastMessageTo(t, 'jane@example.com'))!;
    const reference = referenceIn(message.text_body);
    expect(message.text_body.trimEnd().endsWith(`Message reference: ${reference} — check it at ${t.config.publicUrl}/check?ref=${reference.replace('-', '')}`)).toBe(true);
    expect(message.html_body).toContain(`Message reference: <strong>${reference}</strong>`);
    expect(message.html_body).toContain(`<a href="${t.config.publicUrl}/check?ref=${reference.replace('-', '')}">`);
    // The footer sits inside the document, before </body>.
    expect(message.html_body!.indexOf('Message reference')).toBeLessThan(message.html_body!.indexOf('</body>'));
    const record = await recordOf(t, reference);
    expect(record).toMatchObject({ channel: 'email', destination: 'j•••@e•••.com', subject: message.subject });
  });

  it('a text message ends with a short "Ref" and its reference', async () => {
    const { accountId } = await signUpFrom(t, { email: 'sam@example.com' });
    await enqueueMessage(t.app.deps, securityNoticeSms({ to: '+14155550134', change: 'password_changed', publicUrl: t.config.publicUrl, accountId }), { kind: 'notice' });
    const sms = (await lastMessageTo(t, '+14155550134'))!;
    const reference = referenceIn(sms.text_body);
    expect(sms.text_body).toMatch(/^Custos: your password was changed\. .*\nRef [0-9A-Z]{10}$/s);
    expect(await recordOf(t, reference)).toMatchObject({ channel: 'sms', destination: '+1 •••• ••34' });
  });

  it('a withheld message (an unknown identifier) stays blank, and its record has no destination', async () => {
    await enqueueWithheld(t.app.deps, { channel: 'email', template: 'x', recipient: 'nobody@example.com', subject: 'Reset', text: 'code 123456' }, { kind: 'code', ip: '203.0.113.9' });
    const row = await t.app.deps.db.selectFrom('outbox').selectAll().where('status', '=', 'withheld').executeTakeFirstOrThrow();
    expect(row).toMatchObject({ recipient: '', subject: '', text_body: '' });
    const record = await t.app.deps.db.selectFrom('message_records').selectAll().where('account_id', 'is', null).executeTakeFirstOrThrow();
    expect(record).toMatchObject({ destination: '', subject: '' });
  });

  it('security mail carries no marketing and no tracking: the frame adds no image, no script and no link but the check page', async () => {
    const { accountId } = await signUpFrom(t, { email: 'ada@example.com' });
    const bare = securityNoticeEmail({ to: 'ada@example.com', change: 'password_changed', at: t.clock.now(), publicUrl: t.config.publicUrl, accountId });
    await enqueueMessage(t.app.deps, bare, { kind: 'notice', immediate: true });
    const sent = (await lastMessageTo(t, 'ada@example.com'))!;
    const added = sent.html_body!.replace(bare.html!.replace(/<\/body>.*$/s, ''), '');
    expect(added).not.toMatch(/<img|<script|<iframe|<link|url\(|utm_|pixel|track/i);
    const links = [...sent.html_body!.matchAll(/href="([^"]+)"/g)].map((m) => m[1]!);
    // Every link goes straight to this service, with no redirector or click-tracking host in between.
    for (const link of links) expect(link.startsWith(`${t.config.publicUrl}/`), link).toBe(true);
    expect(sent.html_body).not.toMatch(/<img/i);
  });

  it('each folded notice in an hourly digest keeps its own checkable reference', async () => {
    const { accountId } = await signUpFrom(t, { email: 'flood@example.com' });
    for (let i = 0; i < 5; i++) {
      await enqueueMessage(t.app.deps, securityNoticeEmail({ to: 'flood@example.com', change: 'name_changed', at: t.clock.now(), publicUrl: t.config.publicUrl, accountId }), { kind: 'notice' });
    }
    const digest = (await messagesTo(t, 'flood@example.com')).find((m) => m.template === 'securityDigest')!;
    const references = [...digest.text_body.matchAll(/reference ([0-9A-Z]{5}-[0-9A-Z]{5})/g)].map((m) => m[1]!);
    expect(references).toHaveLength(2);
    for (const reference of references) {
      const check = await api(t, 'POST', '/api/v1/message-checks', { body: { reference } });
      expect(check.body.sent).toBe(true);
    }
  });
});
