import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { api, createTestApp, lastCodeTo, signIn, STRONG_PASSWORD, type TestApp } from '../helpers/app.js';
import { messagesTo, signUpFrom } from '../helpers/fixtures.js';
import { storeApi, storeKey } from '../helpers/store.js';
import { hashPassword } from '../../src/passwords/hashing.js';
import { Browser } from '../helpers/browser.js';
import { importRow } from './import-rows.js';

/**
 * First use of an imported account over HTTP: an email the old platform never verified is confirmed by a code at the
 * first sign-in or password reset, and a customer imported without a password chooses one through "forgot password".
 */
describe('first sign-in of imported customers', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(() => t.close());

  async function importCustomer(row: Record<string, unknown>): Promise<string> {
    const res = await storeApi(t, await storeKey(t), 'POST', '/api/store/v1/customer-imports', { body: { customers: [row] } });
    expect(res.body.results[0].status).toBe('imported');
    return res.body.results[0].account_id;
  }
  const verifiedAt = async (normalized: string) =>
    (await t.app.deps.db.selectFrom('identifiers').select(['account_id', 'verified_at']).where('normalized', '=', normalized).execute());

  it('an unverified imported email: the right password asks for a code sent there, and the code verifies it and signs in', async () => {
    const accountId = await importCustomer(importRow(1, { emails: [{ address: 'ada@import.example', verified: false }], password_hash: await hashPassword(STRONG_PASSWORD) }));
    const answered = await signIn(t, 'ada@import.example', STRONG_PASSWORD);
    expect(answered.status).toBe(200);
    expect(answered.body.flow).toMatchObject({ state: 'confirm_identifier', channel: 'email' });
    expect(answered.body.next).toBe(`/signin/confirm-identifier?flow=${answered.body.flow.id}`);
    expect(answered.body.session).toBeUndefined();

    const path = `/api/v1/signin/flows/${answered.body.flow.id}/identifier-code`;
    const code = await lastCodeTo(t, 'ada@import.example');
    expect((await api(t, 'POST', path, { body: { code: code === '000000' ? '111111' : '000000' } })).body.error.code).toBe('code.invalid');
    const done = await api(t, 'POST', path, { body: { code } });
    expect(done.status).toBe(201);
    expect(done.body.session.token).toBeTruthy();
    expect((await verifiedAt('ada@import.example'))[0]).toMatchObject({ account_id: accountId, verified_at: expect.any(Number) });

    // From now on it is an ordinary verified email: the password alone signs in.
    expect((await signIn(t, 'ada@import.example', STRONG_PASSWORD)).status).toBe(201);
  });

  it('an unverified imported phone: the code goes by text, and proving it verifies the number', async () => {
    const accountId = await importCustomer(importRow(1, { emails: [], phones: [{ number: '+1 415 555 0134', verified: false }], password_hash: await hashPassword(STRONG_PASSWORD) }));
    const answered = await signIn(t, '+14155550134', STRONG_PASSWORD);
    expect(answered.body.flow).toMatchObject({ state: 'confirm_identifier', channel: 'sms' });
    const done = await api(t, 'POST', `/api/v1/signin/flows/${answered.body.flow.id}/identifier-code`, { body: { code: await lastCodeTo(t, '+14155550134') } });
    expect(done.status).toBe(201);
    expect((await verifiedAt('+14155550134'))[0]).toMatchObject({ account_id: accountId, verified_at: expect.any(Number) });
  });

  it('a texted sign-in code (passwordless) never treats an unverified imported phone as the account: nothing is sent', async () => {
    await importCustomer(importRow(1, { emails: [], phones: [{ number: '+1 415 555 0134', verified: false }], password_hash: await hashPassword(STRONG_PASSWORD) }));
    const flow = await api(t, 'POST', '/api/v1/signin/flows', { body: {} });
    await api(t, 'POST', `/api/v1/signin/flows/${flow.body.flow.id}/identifier`, { body: { identifier: '+14155550134' } });
    expect((await api(t, 'POST', `/api/v1/signin/flows/${flow.body.flow.id}/sms-code`, { body: {} })).status).toBe(204);
    expect(await messagesTo(t, '+14155550134')).toHaveLength(0);
    const stored = await t.app.deps.db.selectFrom('flows').select('account_id').where('id', '=', flow.body.flow.id).executeTakeFirstOrThrow();
    expect(stored.account_id).toBeNull();
  });

  it('answers the identifier step and a wrong password for an unverified imported email exactly as for an unknown one, and sends nothing', async () => {
    await importCustomer(importRow(1, { emails: [{ address: 'ada@import.example', verified: false }], password_hash: await hashPassword(STRONG_PASSWORD) }));
    const shape = async (identifier: string) => {
      const flow = await api(t, 'POST', '/api/v1/signin/flows', { body: {} });
      const identified = await api(t, 'POST', `/api/v1/signin/flows/${flow.body.flow.id}/identifier`, { body: { identifier } });
      const failed = await api(t, 'POST', `/api/v1/signin/flows/${flow.body.flow.id}/password`, { body: { password: 'wrong password entirely' } });
      return { identified: [identified.status, Object.keys(identified.body.flow), identified.body.flow.state], failed: [failed.status, failed.body] };
    };
    expect(await shape('ada@import.example')).toEqual(await shape('nobody@import.example'));
    expect(await messagesTo(t, 'ada@import.example')).toHaveLength(0);
  });

  it('unverified claims never block the real owner: a sign-up with the address succeeds, and the imported claim then signs nobody in', async () => {
    const importedId = await importCustomer(importRow(1, { emails: [{ address: 'ada@import.example', verified: false }], password_hash: await hashPassword(STRONG_PASSWORD) }));
    // The claimant reaches the code step, then the real owner signs up and proves the address first.
    const pending = await signIn(t, 'ada@import.example', STRONG_PASSWORD);
    const code = await lastCodeTo(t, 'ada@import.example');
    await signUpFrom(t, { email: 'ada@import.example', password: 'another quite long passphrase' });
    const owner = { accountId: (await verifiedAt('ada@import.example')).find((r) => r.verified_at !== null)?.account_id };
    expect(owner.accountId).toBeDefined();
    expect(owner.accountId).not.toBe(importedId);
    const late = await api(t, 'POST', `/api/v1/signin/flows/${pending.body.flow.id}/identifier-code`, { body: { code } });
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('signin.identifier_claimed');
    const rows = await verifiedAt('ada@import.example');
    expect(rows.filter((r) => r.verified_at !== null).map((r) => r.account_id)).toEqual([owner.accountId]);
    // The address is now the owner's: the imported password opens nothing.
    expect((await signIn(t, 'ada@import.example', STRONG_PASSWORD)).status).toBe(401);
  });

  it('a customer imported without a password chooses one through forgot-password; proving an unverified email verifies it', async () => {
    const accountId = await importCustomer(importRow(1, { emails: [{ address: 'shopify@import.example', verified: false }] }));
    expect((await signIn(t, 'shopify@import.example', STRONG_PASSWORD)).status).toBe(401);

    const started = await api(t, 'POST', '/api/v1/recovery/password', { body: { identifier: 'shopify@import.example' } });
    expect(started.status).toBe(202);
    const confirmed = await api(t, 'POST', `/api/v1/recovery/password/${started.body.flow.id}/confirm`, { body: { code: await lastCodeTo(t, 'shopify@import.example') } });
    expect(confirmed.status).toBe(200);
    expect((await verifiedAt('shopify@import.example'))[0]).toMatchObject({ account_id: accountId, verified_at: expect.any(Number) });
    const set = await api(t, 'POST', `/api/v1/recovery/password/${started.body.flow.id}/new-password`, { body: { reset_token: confirmed.body.reset_token, password: STRONG_PASSWORD } });
    expect(set.status).toBe(200);
    const signedIn = await signIn(t, 'shopify@import.example', STRONG_PASSWORD);
    expect(signedIn.status).toBe(201);
  });

  it('a verified imported email without a password resets like any account', async () => {
    await importCustomer(importRow(1, { emails: [{ address: 'v@import.example', verified: true }] }));
    const started = await api(t, 'POST', '/api/v1/recovery/password', { body: { identifier: 'v@import.example' } });
    const confirmed = await api(t, 'POST', `/api/v1/recovery/password/${started.body.flow.id}/confirm`, { body: { code: await lastCodeTo(t, 'v@import.example') } });
    await api(t, 'POST', `/api/v1/recovery/password/${started.body.flow.id}/new-password`, { body: { reset_token: confirmed.body.reset_token, password: STRONG_PASSWORD } });
    expect((await signIn(t, 'v@import.example', STRONG_PASSWORD)).status).toBe(201);
  });

  it('the password page tells everyone alike, once customers were imported, how to choose a first password', async () => {
    const hint = async (identifier: string) => {
      const browser = new Browser(t.app);
      const posted = await browser.submit('/signin', '/signin', { identifier });
      return (await browser.get(posted.location!)).body.includes('id="imported-hint"');
    };
    expect(await hint('nobody@import.example')).toBe(false);
    await importCustomer(importRow(1));
    expect(await hint('nobody@import.example')).toBe(true);
    expect(await hint('customer1@import.example')).toBe(true);
  });

  it('through the pages: the right password leads to the code page, and the code signs in', async () => {
    await importCustomer(importRow(1, { emails: [{ address: 'ada@import.example', verified: false }], password_hash: await hashPassword(STRONG_PASSWORD) }));
    const browser = new Browser(t.app);
    const identified = await browser.submit('/signin', '/signin', { identifier: 'ada@import.example' });
    const flow = new URL(identified.location!, 'http://x').searchParams.get('flow')!;
    await browser.get(identified.location!);
    const passed = await browser.post('/signin/password', { flow, password: STRONG_PASSWORD });
    expect(passed.location).toBe(`/signin/confirm-identifier?flow=${flow}`);
    const codePage = await browser.get(passed.location!);
    expect(codePage.body).toContain('Confirm it is yours');
    const wrong = await browser.post('/signin/confirm-identifier', { flow, code: '12345' });
    expect(wrong.status).toBe(400);
    const done = await browser.post('/signin/confirm-identifier', { flow, code: await lastCodeTo(t, 'ada@import.example') });
    expect(done.location).toBe('/account');
  });
});
