import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { api, createTestApp, lastCodeTo, signIn, signUp, STRONG_PASSWORD, type ListeningTestApp, type TestApp } from '../helpers/app.js';
import { totpCodeAt } from '../../src/methods/totp/totp.js';
import { ACCOUNT_POLICY, SOURCE_POLICY } from '../../src/platform/throttle.js';
import { MAX_ATTEMPTS } from '../../src/verification/codes.js';
import { accountIdOf, UNLIMITED_MESSAGE_BUDGETS } from '../helpers/fixtures.js';
import { burst, burstIp, countEvents, flowsAtPassword, secondInstance, TRUST_ONE_PROXY } from '../helpers/burst.js';

/**
 * SECURITY.md "An attempt is reserved before the secret is checked": 200 concurrent guesses through real HTTP,
 * one burst per kind of secret, check no more secrets than the allowance — on SQLite, on PostgreSQL, and with
 * two instances on one database. "Checked" is counted from what only a check leaves behind: a failed-attempt
 * audit row (written after the hash or code comparison) or a code's own attempt counter.
 */
const BURST = 200;
/** Free failures, plus the one that starts the first wait. */
const SUBJECT_ALLOWANCE = ACCOUNT_POLICY.freeFailures + 1;
const WRONG = 'definitely not the password';

async function twoStepAccount(t: TestApp, email: string, phone: string): Promise<{ accountId: string; totpKey: string }> {
  const { token } = await signUp(t, { email, phone });
  await api(t, 'POST', '/api/v1/account/phone/confirm', { token, body: { code: await lastCodeTo(t, phone) } });
  const fresh = (await api(t, 'POST', '/api/v1/step-up', { token, body: { password: STRONG_PASSWORD } })).body.session.token;
  const begun = await api(t, 'POST', '/api/v1/two-step/totp', { token: fresh, body: {} });
  await api(t, 'POST', '/api/v1/two-step/totp/confirm', { token: fresh, body: { code: totpCodeAt(begun.body.key, t.clock.now()) } });
  await api(t, 'POST', '/api/v1/two-step/backup-codes', { token: fresh, body: {} });
  return { accountId: await accountIdOf(t, email), totpKey: begun.body.key };
}

/** A sign-in flow waiting at the second step, reached from an address the burst will not use. */
async function atSecondStep(t: TestApp, email: string): Promise<string> {
  const res = await signIn(t, email, STRONG_PASSWORD, { ip: '192.0.2.200' });
  expect(res.body.flow.state).toBe('second_factor');
  return res.body.flow.id as string;
}

/** Every request past the allowance was refused by the gate (429 throttled), and none answered 5xx. */
function refusedAsThrottled(answers: Array<{ status: number; code?: string }>, allowance: number): void {
  expect(answers.filter((a) => a.status >= 500)).toEqual([]);
  const throttled = answers.filter((a) => a.status === 429 && a.code === 'throttled');
  expect(answers.length - throttled.length).toBeLessThanOrEqual(allowance);
}

const ENV = { ...TRUST_ONE_PROXY, ...UNLIMITED_MESSAGE_BUDGETS };

describe('the attempt gate under concurrency', () => {
  let t: ListeningTestApp;
  let server: ListeningTestApp;
  beforeEach(async () => {
    t = await createTestApp(ENV, { listen: true });
    server = t;
  });
  afterEach(() => t.close());

  it(`SECURITY.md attempts are reserved: ${BURST} concurrent wrong passwords for one account check at most ${SUBJECT_ALLOWANCE}`, async () => {
    await signUp(t, { email: 'target@example.com' });
    const accountId = await accountIdOf(t, 'target@example.com');
    const flows = await Promise.all(Array.from({ length: BURST }, async (_, n) => {
      const flow = await api(t, 'POST', '/api/v1/signin/flows', { body: {}, ip: burstIp(n) });
      await api(t, 'POST', `/api/v1/signin/flows/${flow.body.flow.id}/identifier`, { body: { identifier: 'target@example.com' }, ip: burstIp(n) });
      return flow.body.flow.id as string;
    }));
    const answers = await burst(flows.map((flowId, n) => ({ server, path: `/api/v1/signin/flows/${flowId}/password`, body: { password: WRONG }, ip: burstIp(n) })));

    const checked = await countEvents(t, 'signin.failed', { accountId, method: 'password' });
    expect(checked).toBeGreaterThan(0);
    expect(checked).toBeLessThanOrEqual(SUBJECT_ALLOWANCE);
    refusedAsThrottled(answers, SUBJECT_ALLOWANCE);
  }, 120_000);

  it(`SECURITY.md attempts are reserved: credential stuffing — ${BURST} identifiers at once from one address check at most the source's allowance`, async () => {
    const flows = await Promise.all(Array.from({ length: BURST }, async (_, n) => {
      const flow = await api(t, 'POST', '/api/v1/signin/flows', { body: {}, ip: '198.18.0.1' });
      await api(t, 'POST', `/api/v1/signin/flows/${flow.body.flow.id}/identifier`, { body: { identifier: `stuffed${n}@example.com` }, ip: '198.18.0.1' });
      return flow.body.flow.id as string;
    }));
    const answers = await burst(flows.map((flowId) => ({ server, path: `/api/v1/signin/flows/${flowId}/password`, body: { password: WRONG }, ip: '198.18.0.1' })));

    const checked = await countEvents(t, 'signin.failed', { accountId: null, method: 'password' });
    expect(checked).toBeGreaterThan(0);
    expect(checked).toBeLessThanOrEqual(SOURCE_POLICY.freeFailures + 1);
    refusedAsThrottled(answers, SOURCE_POLICY.freeFailures + 1);
  }, 120_000);

  for (const method of ['totp', 'backup_code'] as const) {
    it(`SECURITY.md attempts are reserved: ${BURST} concurrent wrong ${method} codes at the second step check at most ${SUBJECT_ALLOWANCE}`, async () => {
      const { accountId } = await twoStepAccount(t, 'two@example.com', '+14155550132');
      const flowId = await atSecondStep(t, 'two@example.com');
      const code = method === 'totp' ? '000000' : 'aaaa-bbbb-cccc-dddd';
      const answers = await burst(Array.from({ length: BURST }, (_, n) => ({ server, path: `/api/v1/signin/flows/${flowId}/second-factor`, body: { method, code }, ip: burstIp(n) })));

      const checked = await countEvents(t, 'signin.failed', { accountId, method });
      expect(checked).toBeGreaterThan(0);
      expect(checked).toBeLessThanOrEqual(SUBJECT_ALLOWANCE);
      refusedAsThrottled(answers, SUBJECT_ALLOWANCE);
    }, 120_000);
  }

  it(`SECURITY.md attempts are reserved: ${BURST} concurrent wrong SMS sign-in codes check at most ${SUBJECT_ALLOWANCE}`, async () => {
    const { token } = await signUp(t, { email: 'texter@example.com', phone: '+14155550198' });
    await api(t, 'POST', '/api/v1/account/phone/confirm', { token, body: { code: await lastCodeTo(t, '+14155550198') } });
    const accountId = await accountIdOf(t, 'texter@example.com');
    // One flow per request: each flow has its own code, so only the account's gate can hold the line.
    const flows = await Promise.all(Array.from({ length: BURST }, async (_, n) => {
      const flow = await api(t, 'POST', '/api/v1/signin/flows', { body: {}, ip: burstIp(n) });
      await api(t, 'POST', `/api/v1/signin/flows/${flow.body.flow.id}/identifier`, { body: { identifier: '+14155550198' }, ip: burstIp(n) });
      await api(t, 'POST', `/api/v1/signin/flows/${flow.body.flow.id}/sms-code`, { body: {}, ip: burstIp(n) });
      return flow.body.flow.id as string;
    }));
    const answers = await burst(flows.map((flowId, n) => ({ server, path: `/api/v1/signin/flows/${flowId}/sms-code/verify`, body: { code: '000000' }, ip: burstIp(n) })));

    const checked = await countEvents(t, 'signin.failed', { accountId, method: 'sms' });
    expect(checked).toBeGreaterThan(0);
    expect(checked).toBeLessThanOrEqual(SUBJECT_ALLOWANCE);
    refusedAsThrottled(answers, SUBJECT_ALLOWANCE);
  }, 180_000);

  it(`SECURITY.md Recovery: reset-code guesses are limited per account — ${BURST} concurrent guesses over many reset flows check at most ${SUBJECT_ALLOWANCE}`, async () => {
    await signUp(t, { email: 'reset@example.com' });
    // Each reset flow's code allows MAX_ATTEMPTS tries of its own; the account's gate must bound them all.
    const flowCount = BURST / MAX_ATTEMPTS;
    const flows = await Promise.all(Array.from({ length: flowCount }, async (_, n) =>
      (await api(t, 'POST', '/api/v1/recovery/password', { body: { identifier: 'reset@example.com' }, ip: burstIp(n) })).body.flow.id as string));
    const answers = await burst(Array.from({ length: BURST }, (_, n) => ({ server, path: `/api/v1/recovery/password/${flows[n % flowCount]}/confirm`, body: { code: '000000' }, ip: burstIp(n) })));

    const rows = await t.app.deps.db.selectFrom('verifications').select('attempts').where('purpose', '=', 'password_reset').execute();
    const checked = rows.reduce((sum, row) => sum + row.attempts, 0);
    expect(checked).toBeGreaterThan(0);
    expect(checked).toBeLessThanOrEqual(SUBJECT_ALLOWANCE);
    refusedAsThrottled(answers, SUBJECT_ALLOWANCE);
  }, 120_000);

  it(`SECURITY.md attempts are reserved: ${BURST} concurrent wrong lost-factor codes check at most ${SUBJECT_ALLOWANCE}`, async () => {
    const { accountId } = await twoStepAccount(t, 'lost@example.com', '+14155550177');
    const flowId = await atSecondStep(t, 'lost@example.com');
    expect((await api(t, 'POST', `/api/v1/signin/flows/${flowId}/lost-factor`, { body: {} })).status).toBe(202);
    const answers = await burst(Array.from({ length: BURST }, (_, n) => ({
      server, path: `/api/v1/signin/flows/${flowId}/lost-factor/verify`, body: { email_code: '000000', sms_code: '000000' }, ip: burstIp(n),
    })));

    const checked = await countEvents(t, 'signin.failed', { accountId, method: 'lost_factor' });
    expect(checked).toBeGreaterThan(0);
    expect(checked).toBeLessThanOrEqual(SUBJECT_ALLOWANCE);
    refusedAsThrottled(answers, SUBJECT_ALLOWANCE);
  }, 120_000);

  it(`SECURITY.md attempts are reserved: two instances on one database, ${BURST} concurrent wrong passwords between them check at most ${SUBJECT_ALLOWANCE}`, async () => {
    const otherServer = await secondInstance(t, ENV);
    try {
      await signUp(t, { email: 'shared@example.com' });
      const accountId = await accountIdOf(t, 'shared@example.com');
      const flows = await flowsAtPassword(t, 'shared@example.com', BURST);
      const answers = await burst(flows.map((flowId, n) => ({
        server: n % 2 === 0 ? server : otherServer, path: `/api/v1/signin/flows/${flowId}/password`, body: { password: WRONG }, ip: burstIp(n),
      })));

      const checked = await countEvents(t, 'signin.failed', { accountId, method: 'password' });
      expect(checked).toBeGreaterThan(0);
      expect(checked).toBeLessThanOrEqual(SUBJECT_ALLOWANCE);
      refusedAsThrottled(answers, SUBJECT_ALLOWANCE);
    } finally {
      await otherServer.close();
    }
  }, 120_000);
});
