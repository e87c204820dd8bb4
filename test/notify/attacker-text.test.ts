import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { api, createTestApp, lastMessageTo, STRONG_PASSWORD, type TestApp } from '../helpers/app.js';
import { Browser, signUp as signUpInBrowser } from '../helpers/browser.js';
import { validateName } from '../../src/accounts/fields.js';
import { freshIp, signUpFrom } from '../helpers/fixtures.js';

/**
 * Attack: attacker text in genuine emails. A sign-up named "customer. URGENT: your order is on hold, pay at
 * https://evil.example/pay" made the service send that sentence, in its own voice, to any address. A name is a
 * name (no web or email address, no line breaks or controls, at most 80 characters), checked in the one place
 * names are accepted; a contact not yet proven is not greeted by the name typed; customer text is quoted.
 */
const PHISHING = 'customer. URGENT: your order is on hold, pay at https://evil.example/pay';
const NOT_NAMES = [
  PHISHING,
  'Pay at evil.example/pay',
  'visit www.evil.com now',
  'Write to help@evil.example',
  'Pay at evil\uFF0Eexample',
  'Jane\nURGENT: pay now',
  'Jane\r\nBcc: someone',
  'x'.repeat(81),
];
const NAMES = ['J.R.R. Tolkien', 'Zoë O’Brien-Łukasiewicz', '李小龍', 'Ana María de la Cruz', 'Mr. Smith Jr.', 'x'.repeat(80)];

describe('attacker text in genuine emails', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(() => t.close());

  it('attack "phishing name": a name with a web or email address, a line break or over 80 characters is refused at sign-up', async () => {
    for (const name of NOT_NAMES) {
      const res = await api(t, 'POST', '/api/v1/signup', { ip: freshIp(), body: { name, email: 'victim@example.com', password: STRONG_PASSWORD } });
      expect(res.status, name).toBe(400);
      expect(res.body.error.code).toBe('request.invalid');
      expect(res.body.error.fields.name).toMatch(/name/i);
    }
    expect(await lastMessageTo(t, 'victim@example.com')).toBeUndefined();
  });

  it('attack "phishing name": the same rule holds when the name is changed later', async () => {
    const { token } = await signUpFrom(t, { email: 'jane@example.com' });
    for (const name of NOT_NAMES) {
      const res = await api(t, 'PATCH', '/api/v1/account', { token, body: { name } });
      expect(res.status, name).toBe(400);
      expect(res.body.error.code).toBe('request.invalid');
      expect(res.body.error.fields.name).toBeTruthy();
    }
    expect((await api(t, 'GET', '/api/v1/account', { token })).body.account.name).toBe('Test Customer');
  });

  it('real names of every kind are still names', () => {
    for (const name of NAMES) expect(validateName(name), name).toBe(name);
  });

  it('attack "phishing name": the sign-up email to an unproven address does not greet by the name typed', async () => {
    const res = await api(t, 'POST', '/api/v1/signup', { ip: freshIp(), body: { name: 'Mallory Payments Team', email: 'victim@example.com', password: STRONG_PASSWORD } });
    expect(res.status).toBe(202);
    const message = await lastMessageTo(t, 'victim@example.com');
    expect(message!.text_body).not.toContain('Mallory');
    expect(message!.html_body ?? '').not.toContain('Mallory');
  });

  it('attack "phishing name": the code sent to a new, unproven email address does not greet by the account name', async () => {
    const { token } = await signUpFrom(t, { name: 'Mallory Payments Team', email: 'mallory@example.com' });
    const asked = await api(t, 'POST', '/api/v1/account/email', { token, body: { email: 'victim@example.com' } });
    expect(asked.status).toBe(202);
    const message = await lastMessageTo(t, 'victim@example.com');
    expect(message!.template).toBe('emailChangeCodeEmail');
    expect(message!.text_body).not.toContain('Mallory');
  });

  it('attack "phishing name": the name-changed notice quotes the new name as the customer typed it', async () => {
    const { token } = await signUpFrom(t, { email: 'jane@example.com' });
    expect((await api(t, 'PATCH', '/api/v1/account', { token, body: { name: 'Jane Q. Public' } })).status).toBe(200);
    const notice = await lastMessageTo(t, 'jane@example.com');
    expect(notice!.text_body).toContain('The name on the account is now “Jane Q. Public”.');
  });
});

describe('attacker text in genuine emails (pages)', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(() => t.close());

  it('attack "phishing name": the sign-up and name pages refuse it with the reason on the name field', async () => {
    const browser = new Browser(t.app);
    const refused = await browser.submit('/signup', '/signup', { name: PHISHING, email: 'victim@example.com', phone: '', password: STRONG_PASSWORD });
    expect(refused.status).toBe(400);
    expect(refused.body).toContain('id="name-error"');
    expect(refused.body).toContain('A name can’t contain a web or email address.');

    await signUpInBrowser(t, browser, { name: 'Jane Doe', email: 'jane@example.com' });
    const renamed = await browser.submit('/account/name', '/account/name', { name: PHISHING });
    expect(renamed.status).toBe(400);
    expect(renamed.body).toContain('A name can’t contain a web or email address.');
  });
});
