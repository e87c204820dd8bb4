import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { api, createTestApp, lastCodeTo, lastMessageTo, STRONG_PASSWORD, type TestApp } from '../helpers/app.js';
import { MINUTE, HOUR } from '../../src/platform/clock.js';
import { codeDeps, consumeCode, issueCode } from '../../src/verification/codes.js';
import { countRows, freshIp, signUpFrom, textValuesOf } from '../helpers/fixtures.js';
import { seededRandom } from '../helpers/random.js';

/**
 * ASVS 6.5.1, 6.6.2, NIST §3.1.3.2: one-time codes are single-use (atomically), capped in attempts, not reset by a
 * resend, throttled on resend, short-lived (SMS 10 min, email 24 h), stored hashed and bound to their flow.
 */
async function startSignup(t: TestApp, email: string): Promise<string> {
  const res = await api(t, 'POST', '/api/v1/signup', { ip: freshIp(), body: { name: 'Code Tester', email, password: STRONG_PASSWORD } });
  expect(res.status).toBe(202);
  return res.body.flow.id as string;
}

function confirm(t: TestApp, flowId: string, code: string) {
  // An API client without the signup cookie proves it started the flow with the flow's password.
  return api(t, 'POST', `/api/v1/signup/${flowId}/confirm`, { body: { code, password: STRONG_PASSWORD } });
}

/** A code that is certainly not `code`. */
function wrongCode(code: string, n = 0): string {
  return String((Number(code) + 1 + n) % 1_000_000).padStart(6, '0');
}

describe('one-time codes', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(() => t.close());

  it('ASVS 6.5.1: a sign-up code is single-use', async () => {
    const flowId = await startSignup(t, 'once@example.com');
    const code = await lastCodeTo(t, 'once@example.com');
    expect((await confirm(t, flowId, code)).status).toBe(201);
    const replay = await confirm(t, flowId, code);
    expect(replay.status).toBeGreaterThanOrEqual(400);
    expect(replay.status).toBeLessThan(500);
    expect(replay.body.session).toBeUndefined();
    expect(await countRows(t, 'accounts')).toBe(1);
    expect(await countRows(t, 'sessions')).toBe(1);
  });

  it('ASVS 6.5.1: an email-change code is single-use', async () => {
    const { token } = await signUpFrom(t, { email: 'old@example.com' });
    expect((await api(t, 'POST', '/api/v1/account/email', { token, body: { email: 'new@example.com' } })).status).toBe(202);
    const code = await lastCodeTo(t, 'new@example.com');
    expect((await api(t, 'POST', '/api/v1/account/email/confirm', { token, body: { code } })).status).toBe(200);
    const replay = await api(t, 'POST', '/api/v1/account/email/confirm', { token, body: { code } });
    expect(replay.status).toBe(410);
    expect(replay.body.error.code).toBe('code.expired');
  });

  it('ASVS 6.5.1: concurrent confirmations of the same sign-up code → exactly one succeeds', async () => {
    const flowId = await startSignup(t, 'race@example.com');
    const code = await lastCodeTo(t, 'race@example.com');
    const results = await Promise.all(Array.from({ length: 5 }, () => confirm(t, flowId, code)));
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    for (const loser of results.filter((r) => r.status !== 201)) {
      expect(loser.status).toBeGreaterThanOrEqual(400);
      expect(loser.status).toBeLessThan(500);
    }
    expect(await countRows(t, 'accounts')).toBe(1);
    expect(await countRows(t, 'sessions')).toBe(1);
  });

  it('ASVS 6.5.1: concurrent confirmations of the same email-change code → exactly one succeeds', async () => {
    const { token } = await signUpFrom(t, { email: 'old@example.com' });
    await api(t, 'POST', '/api/v1/account/email', { token, body: { email: 'new@example.com' } });
    const code = await lastCodeTo(t, 'new@example.com');
    const results = await Promise.all(Array.from({ length: 5 }, () => api(t, 'POST', '/api/v1/account/email/confirm', { token, body: { code } })));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.status >= 500)).toHaveLength(0);
  });

  it('ASVS 6.5.1: the consume primitive lets exactly one of many concurrent right answers win', async () => {
    const deps = codeDeps(t.app.deps);
    const issued = await issueCode(deps, { purpose: 'signup_email', channel: 'email', target: 'race@example.com', ttlMs: HOUR });
    const record = await t.app.deps.db.selectFrom('verifications').selectAll().where('id', '=', issued.verificationId).executeTakeFirstOrThrow();
    const outcomes = await Promise.allSettled(Array.from({ length: 10 }, () => consumeCode(deps, record, issued.code)));
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    for (const lost of outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected')) {
      expect(['code.expired', 'code.too_many_attempts']).toContain(lost.reason.code);
    }
  });

  it('NIST §3.1.3.2: attempts are capped at 5 — the 6th try fails even with the right code', async () => {
    const flowId = await startSignup(t, 'guess@example.com');
    const code = await lastCodeTo(t, 'guess@example.com');
    for (let i = 0; i < 4; i++) {
      const res = await confirm(t, flowId, wrongCode(code, i));
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('code.invalid');
    }
    const fifth = await confirm(t, flowId, wrongCode(code, 4));
    expect(fifth.status).toBe(429);
    expect(fifth.body.error.code).toBe('code.too_many_attempts');
    const sixth = await confirm(t, flowId, code);
    expect(sixth.status).toBe(429);
    expect(sixth.body.error.code).toBe('code.too_many_attempts');
    expect(await countRows(t, 'accounts')).toBe(0);
  });

  it('NIST §3.1.3.2: a burst of parallel guesses gets 5 attempts in total, not 5 each', async () => {
    const flowId = await startSignup(t, 'burst@example.com');
    const code = await lastCodeTo(t, 'burst@example.com');
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => confirm(t, flowId, wrongCode(code, i))));
    expect(results.every((r) => r.status === 400 || r.status === 429)).toBe(true);
    const row = await t.app.deps.db.selectFrom('verifications').select('attempts').where('flow_id', '=', flowId).executeTakeFirstOrThrow();
    expect(row.attempts).toBe(5);
    expect((await confirm(t, flowId, code)).status).toBe(429);
  });

  it('NIST §3.1.3.2: a resend does not reset the failure count', async () => {
    const flowId = await startSignup(t, 'resend@example.com');
    const first = await lastCodeTo(t, 'resend@example.com');
    for (let i = 0; i < 3; i++) expect((await confirm(t, flowId, wrongCode(first, i))).status).toBe(400);

    t.clock.advance(MINUTE + 1000);
    expect((await api(t, 'POST', `/api/v1/signup/${flowId}/resend`, { body: {} })).status).toBe(204);
    const second = await lastCodeTo(t, 'resend@example.com');

    expect((await confirm(t, flowId, wrongCode(second, 0))).status).toBe(400);
    expect((await confirm(t, flowId, wrongCode(second, 1))).status).toBe(429);
    const right = await confirm(t, flowId, second);
    expect(right.status).toBe(429);
    expect(right.body.error.code).toBe('code.too_many_attempts');
  });

  it('NIST §3.1.3.2: a resend within 60 seconds is refused with 429 and Retry-After', async () => {
    const flowId = await startSignup(t, 'soon@example.com');
    const tooSoon = await api(t, 'POST', `/api/v1/signup/${flowId}/resend`, { body: {} });
    expect(tooSoon.status).toBe(429);
    expect(tooSoon.body.error.code).toBe('code.resend_too_soon');
    expect(Number(tooSoon.headers['retry-after'])).toBe(60);

    t.clock.advance(59_000);
    expect((await api(t, 'POST', `/api/v1/signup/${flowId}/resend`, { body: {} })).status).toBe(429);
    t.clock.advance(1_000);
    expect((await api(t, 'POST', `/api/v1/signup/${flowId}/resend`, { body: {} })).status).toBe(204);
    expect((await api(t, 'POST', `/api/v1/signup/${flowId}/resend`, { body: {} })).status).toBe(429);
  });

  it('NIST §3.1.3.2: codes are not resent without limit (five sends per code)', async () => {
    const flowId = await startSignup(t, 'many@example.com');
    for (let i = 0; i < 4; i++) {
      t.clock.advance(MINUTE);
      expect((await api(t, 'POST', `/api/v1/signup/${flowId}/resend`, { body: {} })).status).toBe(204);
    }
    t.clock.advance(MINUTE);
    expect((await api(t, 'POST', `/api/v1/signup/${flowId}/resend`, { body: {} })).status).toBe(429);
  });

  it('NIST §3.1.3.2: an SMS code expires after 10 minutes', async () => {
    const { token } = await signUpFrom(t, { email: 'late@example.com', phone: '+14155550132' });
    const code = await lastCodeTo(t, '+14155550132');
    t.clock.advance(10 * MINUTE);
    const res = await api(t, 'POST', '/api/v1/account/phone/confirm', { token, body: { code } });
    expect(res.status).toBe(410);
    expect(res.body.error.code).toBe('code.expired');

    const { token: other } = await signUpFrom(t, { email: 'prompt@example.com', phone: '+442079460958' });
    const fresh = await lastCodeTo(t, '+442079460958');
    t.clock.advance(10 * MINUTE - 1000);
    expect((await api(t, 'POST', '/api/v1/account/phone/confirm', { token: other, body: { code: fresh } })).status).toBe(200);
  });

  it('NIST §4.2.1.2: an email code expires after 24 hours', async () => {
    const { token } = await signUpFrom(t, { email: 'late@example.com' });
    await api(t, 'POST', '/api/v1/account/email', { token, body: { email: 'late-new@example.com' } });
    const code = await lastCodeTo(t, 'late-new@example.com');
    t.clock.advance(24 * HOUR);
    const res = await api(t, 'POST', '/api/v1/account/email/confirm', { token, body: { code } });
    expect(res.status).toBe(410);
    expect(res.body.error.code).toBe('code.expired');

    const { token: other } = await signUpFrom(t, { email: 'prompt@example.com' });
    await api(t, 'POST', '/api/v1/account/email', { token: other, body: { email: 'prompt-new@example.com' } });
    const fresh = await lastCodeTo(t, 'prompt-new@example.com');
    t.clock.advance(24 * HOUR - 1000);
    expect((await api(t, 'POST', '/api/v1/account/email/confirm', { token: other, body: { code: fresh } })).status).toBe(200);
  });

  it('ASVS 6.5.1: codes and link tokens are stored only hashed', async () => {
    await startSignup(t, 'hashed@example.com');
    const message = await lastMessageTo(t, 'hashed@example.com');
    const code = await lastCodeTo(t, 'hashed@example.com');
    const linkToken = new URL(message!.text_body.match(/https?:\/\/\S+/)![0]).searchParams.get('token')!;
    expect(linkToken.length).toBeGreaterThanOrEqual(22);

    const { token } = await signUpFrom(t, { email: 'phone@example.com', phone: '+14155550132' });
    const smsCode = await lastCodeTo(t, '+14155550132');
    await api(t, 'POST', '/api/v1/account/email', { token, body: { email: 'phone-new@example.com' } });
    const changeCode = await lastCodeTo(t, 'phone-new@example.com');

    for (const table of ['verifications', 'flows'] as const) {
      const values = await textValuesOf(t, table);
      for (const secret of [code, linkToken, smsCode, changeCode]) {
        expect(values.filter((v) => v.includes(secret))).toEqual([]);
      }
    }
  });
});

/**
 * Each of these needs two codes that differ, so the app draws from a seeded source: the same codes every run,
 * never the one-in-a-million collision that would leave nothing to test.
 */
describe('one-time codes are bound to what they were issued for', () => {
  let t: TestApp;
  beforeEach(async (ctx) => {
    t = await createTestApp({}, { random: seededRandom(ctx.task.name) });
  });
  afterEach(() => t.close());

  it('ASVS 6.5.1: a code from one sign-up flow does not work on another', async () => {
    const flowA = await startSignup(t, 'a@example.com');
    const flowB = await startSignup(t, 'b@example.com');
    const codeA = await lastCodeTo(t, 'a@example.com');
    const codeB = await lastCodeTo(t, 'b@example.com');
    expect(codeB).not.toBe(codeA);
    const crossed = await confirm(t, flowB, codeA);
    expect(crossed.status).toBe(400);
    expect(crossed.body.error.code).toBe('code.invalid');
    expect((await confirm(t, flowA, codeA)).status).toBe(201);
    expect((await confirm(t, flowB, codeB)).status).toBe(201);
  });

  it('ASVS 6.5.1: an email-change code does not confirm a phone number (bound to its purpose)', async () => {
    const { token } = await signUpFrom(t, { email: 'both@example.com', phone: '+14155550132' });
    const smsCode = await lastCodeTo(t, '+14155550132');
    await api(t, 'POST', '/api/v1/account/email', { token, body: { email: 'both-new@example.com' } });
    const emailCode = await lastCodeTo(t, 'both-new@example.com');
    expect(emailCode).not.toBe(smsCode);
    const crossed = await api(t, 'POST', '/api/v1/account/phone/confirm', { token, body: { code: emailCode } });
    expect(crossed.status).toBe(400);
    expect((await api(t, 'POST', '/api/v1/account/phone/confirm', { token, body: { code: smsCode } })).status).toBe(200);
  });

  it("ASVS 6.5.1: another customer's pending code cannot be confirmed from this account", async () => {
    const { token: alice } = await signUpFrom(t, { email: 'alice@example.com' });
    const { token: mallory } = await signUpFrom(t, { email: 'mallory@example.com' });
    await api(t, 'POST', '/api/v1/account/email', { token: alice, body: { email: 'alice-new@example.com' } });
    await api(t, 'POST', '/api/v1/account/email', { token: mallory, body: { email: 'mallory-new@example.com' } });
    const aliceCode = await lastCodeTo(t, 'alice-new@example.com');
    const malloryCode = await lastCodeTo(t, 'mallory-new@example.com');
    expect(malloryCode).not.toBe(aliceCode);
    expect((await api(t, 'POST', '/api/v1/account/email/confirm', { token: mallory, body: { code: aliceCode } })).status).toBe(400);
    const me = await api(t, 'GET', '/api/v1/account', { token: mallory });
    expect(me.body.account.email).toBe('mallory@example.com');
  });
});
