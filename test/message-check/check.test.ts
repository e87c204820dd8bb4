import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { api, createTestApp, lastMessageTo, type ListeningTestApp, type TestApp } from '../helpers/app.js';
import { burst, burstIp, TRUST_ONE_PROXY } from '../helpers/burst.js';
import { expectClientError, signUpFrom } from '../helpers/fixtures.js';
import { Browser } from '../helpers/browser.js';
import { enqueueWithheld } from '../../src/notify/enqueue.js';
import { CHECK_SOURCE_POLICY } from '../../src/message-check/check.js';
import { checkReference, referenceIn } from './fixtures.js';

describe('is this message really from us: the public check', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(async () => {
    await t.close();
  });

  it('a real reference answers when, how and to which masked address — and nothing about the account', async () => {
    const { accountId } = await signUpFrom(t, { name: 'Jane Secretname', email: 'jane@example.com' });
    const message = (await lastMessageTo(t, 'jane@example.com'))!;
    const reference = referenceIn(message.text_body);

    const answer = await checkReference(t, reference);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ sent: true, reference, sent_at: new Date(message.created_at).toISOString(), channel: 'email', destination: 'j•••@e•••.com', subject: message.subject });
    const raw = JSON.stringify(answer.body);
    for (const secret of [accountId, 'Secretname', 'jane@example.com']) expect(raw).not.toContain(secret);
  });

  it('a made-up reference answers "no record", the same shape whatever is typed', async () => {
    expect((await checkReference(t, 'ZZZZZ-ZZZZZ')).body).toEqual({ sent: false, reference: 'ZZZZZ-ZZZZZ' });
    expect((await checkReference(t, 'not a reference at all')).body).toEqual({ sent: false, reference: null });
  });

  it('reads the reference however it is typed: case, dashes, spaces, O for 0, I or L for 1, or a pasted link', async () => {
    await signUpFrom(t, { email: 'sam@example.com' });
    const reference = referenceIn((await lastMessageTo(t, 'sam@example.com'))!.text_body);
    const bare = reference.replace('-', '');
    const spoiled = bare.toLowerCase().replace(/0/g, 'o').replace(/1/g, 'l');
    for (const typed of [bare, bare.toLowerCase(), ` ${reference.slice(0, 3)} ${reference.slice(3)} `, spoiled, `${t.config.publicUrl}/check?ref=${bare}`, `https://elsewhere.example/x?a=1&ref=${spoiled}#top`]) {
      const answer = await checkReference(t, typed);
      expect(answer.body, typed).toMatchObject({ sent: true, reference });
    }
  });

  it('a withheld message (asked for an unknown identifier) has no record to show: "no record", like a guess', async () => {
    await enqueueWithheld(t.app.deps, { channel: 'email', template: 'x', recipient: 'nobody@example.com', subject: 'Reset', text: '' }, { kind: 'code', ip: '203.0.113.9' });
    const { reference } = await t.app.deps.db.selectFrom('message_records').select('reference').executeTakeFirstOrThrow();
    expect((await checkReference(t, reference)).body).toEqual({ sent: false, reference: `${reference.slice(0, 5)}-${reference.slice(5)}` });
  });

  it('hostile input gets a 400 with a stable code, never a 500', async () => {
    for (const reference of [42, null, ['ABCDE12345'], { ref: 'x' }, 'A'.repeat(2001)]) expectClientError(await checkReference(t, reference), 400, 'request.invalid');
    for (const reference of ['\u0000\u202e\ud800', '%E0%A4%A', '?ref=%ZZ', '𝟘𝟙𝟚𝟛𝟜𝟝𝟞𝟟𝟠𝟡']) {
      const answer = await checkReference(t, reference);
      expect(answer.status, reference).toBe(200);
      expect(answer.body.sent).toBe(false);
    }
    expectClientError(await api(t, 'POST', '/api/v1/message-checks', { body: { reference: 'ABCDE12345', extra: 1 } }), 400, 'request.invalid');
  });

  it('the check page works without JavaScript: a GET form, and the link from a message lands on its answer', async () => {
    await signUpFrom(t, { email: 'page@example.com' });
    const reference = referenceIn((await lastMessageTo(t, 'page@example.com'))!.text_body);
    const browser = new Browser(t.app);
    const empty = await browser.get('/check');
    expect(empty.status).toBe(200);
    expect(empty.body).toMatch(/<form method="get" action="\/check"/);
    const yes = await browser.get(`/check?ref=${reference.replace('-', '')}`);
    expect(yes.body).toContain('Yes, we sent this');
    // Referrer-Policy: no-referrer on pages carrying tokens (SECURITY.md Headers): the reference in the address goes no further.
    expect(yes.headers['referrer-policy']).toBe('no-referrer');
    expect(yes.body).toContain('p•••@e•••.com');
    const no = await browser.get('/check?ref=ABCDE-12345');
    expect(no.body).toContain('We have no record of this: it is not from us');
    expect(no.body).toContain("Don't click its links");
    const hostile = await browser.get(`/check?ref=${encodeURIComponent('<script>alert(1)</script>')}`);
    expect(hostile.status).toBe(200);
    expect(hostile.body).not.toContain('<script>alert(1)');
  });
});

describe('Throttle per source, reserved before the check: guessing references is cut off', () => {
  let t: ListeningTestApp;
  beforeEach(async () => {
    t = await createTestApp(TRUST_ONE_PROXY, { listen: true });
  });
  afterEach(async () => {
    await t.close();
  });

  it('An attempt is reserved before the secret is checked: 200 concurrent guesses from one network get the allowance and no more (429 throttled)', async () => {
    const ip = burstIp(7);
    const answers = await burst(Array.from({ length: 200 }, (_, i) => ({ server: t, path: '/api/v1/message-checks', body: { reference: `ABCDE${String(i).padStart(5, '0')}` }, ip })));
    const answered = answers.filter((a) => a.status === 200).length;
    const refused = answers.filter((a) => a.status === 429);
    expect(answered).toBeLessThanOrEqual(CHECK_SOURCE_POLICY.freeFailures + 1);
    expect(answered).toBeGreaterThanOrEqual(CHECK_SOURCE_POLICY.freeFailures);
    expect(refused).toHaveLength(200 - answered);
    expect(new Set(refused.map((a) => a.code))).toEqual(new Set(['throttled']));

    // The same network, a real reference: still refused until the wait is over, and the page says so too.
    const page = await fetch(`${t.baseUrl}/check?ref=ABCDE12345`, { headers: { 'x-forwarded-for': ip } });
    expect(page.status).toBe(429);
    expect(page.headers.get('retry-after')).toMatch(/^\d+$/);
    // Another network is not held up by it.
    const other = await burst([{ server: t, path: '/api/v1/message-checks', body: { reference: 'ABCDE12345' }, ip: burstIp(8) }]);
    expect(other[0]!.status).toBe(200);
  });

  it('a customer checking real references is never held up: a reference of ours gives its attempt back', async () => {
    await signUpFrom(t, { email: 'many@example.com' });
    const reference = referenceIn((await lastMessageTo(t, 'many@example.com'))!.text_body);
    for (let i = 0; i < CHECK_SOURCE_POLICY.freeFailures * 2; i++) {
      const answer = await checkReference(t, reference, '198.51.100.200');
      expect(answer.status).toBe(200);
    }
  });
});
