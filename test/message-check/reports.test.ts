import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { api, createTestApp, lastMessageTo, type ListeningTestApp, type TestApp } from '../helpers/app.js';
import { countEvents } from '../helpers/burst.js';
import { expectClientError, messagesTo, signUpFrom } from '../helpers/fixtures.js';
import { Browser, signUp } from '../helpers/browser.js';
import { staffSession } from '../helpers/staff.js';
import { REPORT_LIMITS, REPORTS_PER_HOUR } from '../../src/message-check/reports.js';
import { referenceIn } from './fixtures.js';

const PHISH = {
  channel: 'email',
  sender: '"Custos Security" <security@custos-verify.example>',
  headers: 'Received: from mail.bad.example\nDKIM-Signature: none',
  body: 'Your account is locked. <script>alert(1)</script> Sign in at <a href="https://custos-verify.example/login">here</a> within 24 hours.',
};

describe('report a suspicious message', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(async () => {
    await t.close();
  });

  it('is stored, logged, acknowledged by email without repeating the attacker text, and shown quoted and escaped in the fraud view', async () => {
    const { token, accountId } = await signUpFrom(t, { name: 'Ada Lovelace', email: 'ada@example.com' });
    const reported = await api(t, 'POST', '/api/v1/account/suspicious-messages', { token, body: PHISH });
    expect(reported).toMatchObject({ status: 201, body: { reference_is_ours: false, acknowledged_by_email: true } });
    expect(await countEvents(t, 'message.reported', { accountId })).toBe(1);

    const ack = (await lastMessageTo(t, 'ada@example.com'))!;
    expect(ack.subject).toBe('We received your report of a suspicious message');
    for (const attacker of ['custos-verify', 'alert(1)', 'locked']) expect(`${ack.text_body}${ack.html_body}`).not.toContain(attacker);

    const agent = await staffSession(t, { role: 'agent' });
    const view = await api(t, 'GET', '/api/support/v1/fraud', { token: agent.token, ip: '192.0.2.77' });
    expect(view.body.reports).toEqual([expect.objectContaining({ channel: 'email', sender: PHISH.sender, reference: null, reference_is_ours: false, customer: expect.objectContaining({ id: accountId, name: 'Ada' }) })]);
    expect(JSON.stringify(view.body)).not.toContain('ada@example.com');

    const browser = new Browser(t.app);
    browser.cookies.set('__Host-custos_staff', agent.token);
    const page = await browser.get('/support/fraud');
    expect(page.status).toBe(200);
    expect(page.body).toContain('Reported suspicious messages');
    expect(page.body).not.toContain('<script>alert(1)');
    expect(page.body).not.toContain('<a href="https://custos-verify.example');
    expect(page.body).toContain('“Your account is locked. &lt;script>alert(1)&lt;/script>');
  });

  it('a pasted message that carries one of our references is marked as ours', async () => {
    const { token } = await signUpFrom(t, { email: 'ours@example.com' });
    const reference = referenceIn((await lastMessageTo(t, 'ours@example.com'))!.text_body);
    const reported = await api(t, 'POST', '/api/v1/account/suspicious-messages', { token, body: { channel: 'email', body: `Hello\nMessage reference: ${reference.toLowerCase()} — check it` } });
    expect(reported.body.reference_is_ours).toBe(true);
    const faked = await api(t, 'POST', '/api/v1/account/suspicious-messages', { token, body: { channel: 'sms', body: 'Pay now. Ref ZZZZZZZZZZ' } });
    expect(faked.body.reference_is_ours).toBe(false);
  });

  it('hostile input gets a 400 with a stable code: oversized, missing, wrong type, control characters, unknown channel', async () => {
    const { token } = await signUpFrom(t, { email: 'hostile@example.com' });
    const send = (body: unknown) => api(t, 'POST', '/api/v1/account/suspicious-messages', { token, body });
    for (const body of [
      { ...PHISH, body: 'x'.repeat(REPORT_LIMITS.body + 1) },
      { ...PHISH, headers: 'x'.repeat(REPORT_LIMITS.headers + 1) },
      { ...PHISH, sender: 'x'.repeat(REPORT_LIMITS.sender + 1) },
      { ...PHISH, body: '   ' },
      { ...PHISH, body: 'nul\u0000byte' },
      { ...PHISH, sender: 'bell\u0007' },
      { ...PHISH, channel: 'pigeon' },
      { ...PHISH, body: 42 },
      { ...PHISH, account_id: 'someone-else' },
    ]) {
      expectClientError(await send(body), 400, 'request.invalid');
    }
    // Odd but real text is kept as given: other scripts, emoji, right-to-left marks in a pasted body.
    expect((await send({ channel: 'other', body: 'مرحبا 👋 \u200F ok\r\n\ttabbed' })).status).toBe(201);
    expect(await t.app.deps.db.selectFrom('suspicious_reports').selectAll().execute()).toHaveLength(1);
  });

  it('is for signed-in customers only', async () => {
    expectClientError(await api(t, 'POST', '/api/v1/account/suspicious-messages', { body: PHISH }), 401, 'auth.required');
    const browser = new Browser(t.app);
    const page = await browser.get('/account/messages/report');
    expect(page.status).toBe(303);
  });

  it('the report page works without JavaScript and echoes what was pasted as text only', async () => {
    const browser = new Browser(t.app);
    await signUp(t, browser, { name: 'Page Person', email: 'page@example.com' });
    const empty = await browser.submit('/account/messages/report', '/account/messages/report', { channel: 'email', sender: '<img src=x onerror=alert(1)>', body: '', headers: '' });
    expect(empty.status).toBe(400);
    expect(empty.body).not.toContain('<img src=x');
    expect(empty.body).toContain('Paste the text of the message.');
    const sent = await browser.post('/account/messages/report', { channel: 'email', sender: 'x@bad.example', body: PHISH.body, headers: '' });
    expect(sent.location).toBe('/account/messages?notice=reported');
  });
});

describe('reports cannot be turned into a mail bomb', () => {
  let t: ListeningTestApp;
  beforeEach(async () => {
    t = await createTestApp({}, { listen: true });
  });
  afterEach(async () => {
    await t.close();
  });

  it('200 reports at once from one account store at most the hourly allowance and send one acknowledgement', async () => {
    const { token, accountId } = await signUpFrom(t, { email: 'flood@example.com' });
    const before = (await messagesTo(t, 'flood@example.com')).length;
    const answers = await Promise.all(
      Array.from({ length: 200 }, async (_, i) => {
        const res = await fetch(`${t.baseUrl}/api/v1/account/suspicious-messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ ...PHISH, body: `${PHISH.body} #${i}` }),
        });
        return { status: res.status, code: ((await res.json()) as { error?: { code?: string } })?.error?.code };
      }),
    );
    const stored = answers.filter((a) => a.status === 201).length;
    expect(stored).toBe(REPORTS_PER_HOUR);
    expect(answers.filter((a) => a.status === 429 && a.code === 'throttled')).toHaveLength(200 - REPORTS_PER_HOUR);
    const rows = await t.app.deps.db.selectFrom('suspicious_reports').select('id').where('account_id', '=', accountId).execute();
    expect(rows).toHaveLength(REPORTS_PER_HOUR);
    const acks = (await messagesTo(t, 'flood@example.com')).slice(before).filter((m) => m.template === 'suspiciousReportReceived');
    expect(acks).toHaveLength(1);
  });
});
