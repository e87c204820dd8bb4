import { afterEach, describe, expect, it, vi } from 'vitest';
import { HOUR } from '../../src/platform/clock.js';
import { api, createTestApp, lastCodeTo, STRONG_PASSWORD, type TestApp } from '../helpers/app.js';
import { freshIp, messagesTo, signUpFrom } from '../helpers/fixtures.js';

/**
 * SECURITY.md "Every text message passes one budget per destination number, per account, per network, per
 * country code and globally (SMS pumping / toll fraud, CS Authentication "SMS"); emails per destination
 * likewise." The attacks: one account texting thousands of arbitrary numbers (toll fraud), and free sign-in
 * flows texting one number a hundred times (SMS bombing). The defaults are the ones the README states.
 */
const KNOWN = '+14155550132';
const UNKNOWN = '+14155550188';

/** A signed-in account whose phone number is confirmed; the hour it was made in is over. */
async function accountWithPhone(t: TestApp, email: string, phone: string): Promise<{ token: string; accountId: string }> {
  const account = await signUpFrom(t, { email, phone });
  const confirmed = await api(t, 'POST', '/api/v1/account/phone/confirm', { token: account.token, body: { code: await lastCodeTo(t, phone) } });
  expect(confirmed.status).toBe(200);
  t.clock.advance(HOUR);
  return account;
}

/** A fresh passwordless sign-in flow for a number, from an address of its own; the status of "text me a code". */
async function askForSigninText(t: TestApp, phone: string, ip = freshIp()): Promise<number> {
  const flow = await api(t, 'POST', '/api/v1/signin/flows', { body: {}, ip });
  const identified = await api(t, 'POST', `/api/v1/signin/flows/${flow.body.flow.id}/identifier`, { body: { identifier: phone }, ip });
  expect(identified.status).toBe(200);
  return (await api(t, 'POST', `/api/v1/signin/flows/${flow.body.flow.id}/sms-code`, { body: {}, ip })).status;
}

async function askForResetText(t: TestApp, phone: string): Promise<number> {
  return (await api(t, 'POST', '/api/v1/recovery/password', { body: { identifier: phone }, ip: freshIp() })).status;
}

async function textsTo(t: TestApp, phone: string, template: string): Promise<number> {
  return (await messagesTo(t, phone)).filter((m) => m.template === template).length;
}

describe('text and email budgets', () => {
  let t: TestApp;
  afterEach(() => t.close());

  it('SMS bombing: 100 sign-in flows for one registered number send the hourly, then the daily budget (5/h, 10/day)', async () => {
    t = await createTestApp();
    await accountWithPhone(t, 'ada@example.com', KNOWN);
    const firstHour: number[] = [];
    for (let i = 0; i < 100; i++) firstHour.push(await askForSigninText(t, KNOWN));
    expect(firstHour.slice(0, 5)).toEqual([204, 204, 204, 204, 204]);
    expect(firstHour.slice(5).every((status) => status === 429)).toBe(true);
    expect(await textsTo(t, KNOWN, 'signinCodeSms')).toBe(5);

    // The day's budget counts the confirmation text too (1 + 5 + 4 = 10); the next hour gives only what is left.
    t.clock.advance(HOUR);
    const secondHour: number[] = [];
    for (let i = 0; i < 6; i++) secondHour.push(await askForSigninText(t, KNOWN));
    expect(secondHour).toEqual([204, 204, 204, 204, 429, 429]);
    expect(await textsTo(t, KNOWN, 'signinCodeSms')).toBe(9);
  });

  it('a refusal is 429 throttled with Retry-After until the window ends, and says so in words', async () => {
    t = await createTestApp({ SMS_BUDGET_NUMBER_HOUR: '1' });
    await accountWithPhone(t, 'ada@example.com', KNOWN);
    t.clock.advance(20 * 60_000);
    expect(await askForSigninText(t, KNOWN)).toBe(204);
    const flow = await api(t, 'POST', '/api/v1/signin/flows', { body: {} });
    await api(t, 'POST', `/api/v1/signin/flows/${flow.body.flow.id}/identifier`, { body: { identifier: KNOWN } });
    const refused = await api(t, 'POST', `/api/v1/signin/flows/${flow.body.flow.id}/sms-code`, { body: {} });
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('throttled');
    expect(refused.body.error.message).toMatch(/wait 40 minutes/);
    expect(refused.headers['retry-after']).toBe(String(40 * 60));
  });

  it('SECURITY.md "Every text message passes one budget": an unknown number spends like a known one (same statuses)', async () => {
    t = await createTestApp();
    await accountWithPhone(t, 'ada@example.com', KNOWN);
    const statuses = async (phone: string) => {
      const seen: number[] = [];
      // Passwordless sign-in and password reset draw on the same per-number budget.
      for (let i = 0; i < 4; i++) seen.push(await askForSigninText(t, phone), await askForResetText(t, phone));
      return seen;
    };
    const known = await statuses(KNOWN);
    const unknown = await statuses(UNKNOWN);
    expect(known).toEqual([204, 202, 204, 202, 204, 429, 429, 429]);
    expect(unknown).toEqual(known);
    expect((await messagesTo(t, UNKNOWN)).length).toBe(0);
  });

  it('per network: one IPv6 /64 texts at most SMS_BUDGET_NETWORK_HOUR numbers, whichever address in it asks', async () => {
    t = await createTestApp({ SMS_BUDGET_NETWORK_HOUR: '3' });
    const seen: number[] = [];
    for (let i = 0; i < 5; i++) seen.push(await askForSigninText(t, `+1415555014${i}`, `2001:db8:7:9::${i + 1}`));
    expect(seen).toEqual([204, 204, 204, 429, 429]);
    expect(await askForSigninText(t, '+14155550149', '2001:db8:7:a::1')).toBe(204);
  });

  it('per country calling code: premium-rate pumping into one country stops at its budget while others still get texts', async () => {
    t = await createTestApp({ SMS_BUDGET_COUNTRY_HOUR: '3' });
    const seen: number[] = [];
    for (let i = 0; i < 5; i++) seen.push(await askForSigninText(t, `+44207946095${i}`));
    expect(seen).toEqual([204, 204, 204, 429, 429]);
    expect(await askForSigninText(t, UNKNOWN)).toBe(204);
  });

  it('the global ceiling (SMS_MAX_PER_HOUR) stops every text and logs an error; the next hour sends again', async () => {
    t = await createTestApp({ SMS_MAX_PER_HOUR: '3' });
    const logged = vi.spyOn(t.app.deps.log, 'error');
    try {
      const seen: number[] = [];
      for (let i = 0; i < 5; i++) seen.push(await askForSigninText(t, `+1212555010${i}`));
      expect(seen).toEqual([204, 204, 204, 429, 429]);
      expect(logged).toHaveBeenCalledWith(expect.objectContaining({ channel: 'sms', limit: 3 }), expect.stringMatching(/SMS ceiling reached/));
      t.clock.advance(HOUR);
      expect(await askForSigninText(t, '+12125550109')).toBe(204);
    } finally {
      logged.mockRestore();
    }
  });

  it('emails per destination: sign-ups naming one address get EMAIL_BUDGET_ADDRESS_HOUR emails, whoever asks', async () => {
    t = await createTestApp();
    await signUpFrom(t, { email: 'owner@example.com' });
    t.clock.advance(HOUR);
    const seen: number[] = [];
    for (let i = 0; i < 7; i++) {
      const started = await api(t, 'POST', '/api/v1/signup', { ip: freshIp(), body: { name: 'Someone', email: 'owner@example.com', password: STRONG_PASSWORD } });
      seen.push(started.status);
    }
    expect(seen).toEqual([202, 202, 202, 202, 202, 429, 429]);
    expect((await messagesTo(t, 'owner@example.com')).filter((m) => m.template === 'signupExistingAccountEmail')).toHaveLength(5);
  });
});
