import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { api, createTestApp, lastMessageTo, type TestApp } from '../helpers/app.js';
import { countEvents } from '../helpers/burst.js';
import { expectClientError, messagesTo, signUpFrom } from '../helpers/fixtures.js';
import { Browser, signUp } from '../helpers/browser.js';
import { enqueueMessage } from '../../src/notify/enqueue.js';
import { securityNoticeSms } from '../../src/notify/alert-messages.js';
import { MINUTE } from '../../src/platform/clock.js';

const PHRASE = 'purple otter 42';

describe('the personal phrase', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(async () => {
    await t.close();
  });

  it('is shown at the top of every later email to the verified address, in the text and the HTML part', async () => {
    const { token } = await signUpFrom(t, { email: 'jane@example.com' });
    const saved = await api(t, 'POST', '/api/v1/account/personal-phrase', { token, body: { phrase: `  ${PHRASE}  ` } });
    expect(saved).toMatchObject({ status: 200, body: { phrase: PHRASE } });

    // The notice of the change is itself the first email with the phrase on top.
    const notice = (await lastMessageTo(t, 'jane@example.com'))!;
    expect(notice.subject).toBe('Your personal phrase was changed');
    expect(notice.text_body.startsWith(`Your personal phrase: ${PHRASE}\n\n`)).toBe(true);
    expect(notice.html_body).toMatch(new RegExp(`<body[^>]*><p style="[^"]*">Your personal phrase: <strong>${PHRASE}</strong></p>`));
    expect(await countEvents(t, 'personal_phrase.set')).toBe(1);
    expect((await api(t, 'GET', '/api/v1/account/personal-phrase', { token })).body).toEqual({ phrase: PHRASE });
  });

  it('is escaped in the HTML part: a phrase is text, never markup', async () => {
    const { token } = await signUpFrom(t, { email: 'amp@example.com' });
    await api(t, 'POST', '/api/v1/account/personal-phrase', { token, body: { phrase: "Tom & Jerry's" } });
    const notice = (await lastMessageTo(t, 'amp@example.com'))!;
    expect(notice.html_body).toContain('<strong>Tom &amp; Jerry&#39;s</strong>');
  });

  it('never goes to an address the customer has not proved: the code for a new email address comes without it', async () => {
    const { token } = await signUpFrom(t, { email: 'old@example.com' });
    await api(t, 'POST', '/api/v1/account/personal-phrase', { token, body: { phrase: PHRASE } });
    const asked = await api(t, 'POST', '/api/v1/account/email', { token, body: { email: 'typed-by-anyone@example.com' } });
    expect(asked.status).toBe(202);
    const toNew = await messagesTo(t, 'typed-by-anyone@example.com');
    expect(toNew.length).toBeGreaterThan(0);
    for (const m of toNew) expect(`${m.text_body}${m.html_body}`).not.toContain(PHRASE);
    const toOld = (await lastMessageTo(t, 'old@example.com'))!;
    expect(toOld.subject).toBe('A change of your email address was requested');
    expect(toOld.text_body).toContain(PHRASE);
  });

  it('is never put in a text message', async () => {
    const { token, accountId } = await signUpFrom(t, { email: 'sms@example.com' });
    await api(t, 'POST', '/api/v1/account/personal-phrase', { token, body: { phrase: PHRASE } });
    await enqueueMessage(t.app.deps, securityNoticeSms({ to: '+14155550134', change: 'password_changed', publicUrl: t.config.publicUrl, accountId }), { kind: 'notice' });
    expect((await lastMessageTo(t, '+14155550134'))!.text_body).not.toContain(PHRASE);
  });

  it('refuses phrases too short, too long, or with characters that display as something else', async () => {
    const { token } = await signUpFrom(t, { email: 'odd@example.com' });
    for (const phrase of ['abc', 'x'.repeat(41), 'evil\u202Etxt.exe', 'tab\there', 'zero\u200Bwidth', '<b>bold</b>', 'a\u0000bcd']) {
      expectClientError(await api(t, 'POST', '/api/v1/account/personal-phrase', { token, body: { phrase } }), 400, 'request.invalid');
    }
    expectClientError(await api(t, 'POST', '/api/v1/account/personal-phrase', { token, body: { phrase: 42 } }), 400, 'request.invalid');
    expectClientError(await api(t, 'POST', '/api/v1/account/personal-phrase', { token, body: { phrase: 'x'.repeat(201) } }), 400, 'request.invalid');
    // Any script is fine, with its combining marks.
    expect((await api(t, 'POST', '/api/v1/account/personal-phrase', { token, body: { phrase: 'Ωμέγα café नमस्ते' } })).status).toBe(200);
  });

  it('Changing … recovery data needs a recent sign-in (step-up): reading, setting and removing the phrase all do', async () => {
    const { token } = await signUpFrom(t, { email: 'late@example.com' });
    t.clock.advance(t.config.stepUpMinutes * MINUTE + 1);
    for (const [method, body] of [['GET', undefined], ['POST', { phrase: PHRASE }], ['DELETE', undefined]] as const) {
      expectClientError(await api(t, method, '/api/v1/account/personal-phrase', { token, body }), 403, 'auth.step_up_required');
    }
    expect(await t.app.deps.db.selectFrom('personal_phrases').selectAll().execute()).toEqual([]);
  });

  it('is sealed at rest: the database holds no phrase in the clear', async () => {
    const { token } = await signUpFrom(t, { email: 'sealed@example.com' });
    await api(t, 'POST', '/api/v1/account/personal-phrase', { token, body: { phrase: PHRASE } });
    const row = await t.app.deps.db.selectFrom('personal_phrases').selectAll().executeTakeFirstOrThrow();
    expect(row.phrase_sealed).not.toContain('otter');
  });

  it('removing it tells the customer and stops showing it; removing nothing tells nobody', async () => {
    const { token } = await signUpFrom(t, { email: 'gone@example.com' });
    await api(t, 'POST', '/api/v1/account/personal-phrase', { token, body: { phrase: PHRASE } });
    expect((await api(t, 'DELETE', '/api/v1/account/personal-phrase', { token })).status).toBe(204);
    const notice = (await lastMessageTo(t, 'gone@example.com'))!;
    expect(notice.subject).toBe('Your personal phrase was removed');
    expect(notice.text_body).not.toContain(PHRASE);
    const before = (await messagesTo(t, 'gone@example.com')).length;
    expect((await api(t, 'DELETE', '/api/v1/account/personal-phrase', { token })).status).toBe(204);
    expect((await messagesTo(t, 'gone@example.com')).length).toBe(before);
    expect(await countEvents(t, 'personal_phrase.removed')).toBe(1);
  });

  it('the phrase page sets it without JavaScript, and sends a customer whose sign-in is old to confirm their password first', async () => {
    const browser = new Browser(t.app);
    await signUp(t, browser, { name: 'Page Person', email: 'page@example.com' });
    const form = await browser.get('/account/messages/phrase');
    expect(form.status).toBe(200);
    const bad = await browser.post('/account/messages/phrase', { phrase: '<i>x</i>' });
    expect(bad.status).toBe(400);
    expect(bad.body).toContain('&lt;i>x&lt;/i>');
    const saved = await browser.post('/account/messages/phrase', { phrase: PHRASE });
    expect(saved.location).toBe('/account/messages?notice=phrase');
    expect((await browser.get('/account/messages')).body).toContain('Change your personal phrase');
    t.clock.advance(t.config.stepUpMinutes * MINUTE + 1);
    const later = await browser.get('/account/messages/phrase');
    expect(later.status).toBe(303);
    expect(later.location).toBe('/account/confirm-password?return=/account/messages/phrase');
  });
});
