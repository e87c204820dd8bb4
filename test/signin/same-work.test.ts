import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { api, createTestApp, lastCodeTo, STRONG_PASSWORD, type TestApp } from '../helpers/app.js';
import { countRows, freshIp, signUpFrom } from '../helpers/fixtures.js';

/**
 * SECURITY.md "Every public path does the same work for known and unknown identifiers": the same statements,
 * one password hash, the same rows queued — counted, not timed (timing only shows the symptom). Throttle
 * answers never say whose an identifier is.
 */
const work = vi.hoisted(() => ({ hashes: 0, statements: [] as string[], recording: false }));

vi.mock('../../src/passwords/hashing.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/passwords/hashing.js')>();
  return {
    ...real,
    hashPassword: async (password: string) => { if (work.recording) work.hashes++; return real.hashPassword(password); },
    verifyPassword: async (stored: string, password: string) => { if (work.recording) work.hashes++; return real.verifyPassword(stored, password); },
    burnVerifyTime: async (password: string) => { if (work.recording) work.hashes++; return real.burnVerifyTime(password); },
  };
});

interface Work {
  statements: string[];
  hashes: number;
  outboxRows: number;
  status: number;
}

async function workOf(t: TestApp, action: () => Promise<{ status: number }>): Promise<Work> {
  const outboxBefore = await countRows(t, 'outbox');
  work.statements = [];
  work.hashes = 0;
  work.recording = true;
  let status: number;
  try {
    status = (await action()).status;
  } finally {
    work.recording = false;
  }
  // The delivery worker wakes after the commit and sends in the background: its statements are not the request's.
  const requestOwn = work.statements.filter((sql) => !/^(select \* from "outbox"|update "outbox"|select "webhook_deliveries"\.|update "webhook_deliveries")/.test(sql));
  return { statements: requestOwn.sort(), hashes: work.hashes, outboxRows: (await countRows(t, 'outbox')) - outboxBefore, status };
}

describe('same work for known and unknown identifiers', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp({}, { onQuery: (sql) => { if (work.recording) work.statements.push(sql); } });
    const { token } = await signUpFrom(t, { email: 'known@example.com', phone: '+14155550132' });
    await api(t, 'POST', '/api/v1/account/phone/confirm', { token, body: { code: await lastCodeTo(t, '+14155550132') } });
  });
  afterEach(() => t.close());

  const cases: Array<[string, string, string, (identifier: string) => (t: TestApp) => Promise<{ status: number }>]> = [
    ['find your account (email)', 'known@example.com', 'nobody@example.com', (identifier) => (t) => api(t, 'POST', '/api/v1/recovery/find-account', { body: { identifier }, ip: freshIp() })],
    ['find your account (phone)', '+14155550132', '+14155550199', (identifier) => (t) => api(t, 'POST', '/api/v1/recovery/find-account', { body: { identifier }, ip: freshIp() })],
    ['password reset by email', 'known@example.com', 'nobody@example.com', (identifier) => (t) => api(t, 'POST', '/api/v1/recovery/password', { body: { identifier }, ip: freshIp() })],
    ['password reset by text', '+14155550132', '+14155550199', (identifier) => (t) => api(t, 'POST', '/api/v1/recovery/password', { body: { identifier }, ip: freshIp() })],
    ['sign-in identify and password', 'known@example.com', 'nobody@example.com', (identifier) => async (t) => {
      const ip = freshIp();
      const flow = await api(t, 'POST', '/api/v1/signin/flows', { body: {}, ip });
      await api(t, 'POST', `/api/v1/signin/flows/${flow.body.flow.id}/identifier`, { body: { identifier }, ip });
      return api(t, 'POST', `/api/v1/signin/flows/${flow.body.flow.id}/password`, { body: { password: 'not the right password at all' }, ip });
    }],
    ['sign-up', 'known@example.com', 'nobody@example.com', (identifier) => (t) => api(t, 'POST', '/api/v1/signup', { body: { name: 'Someone', email: identifier, password: STRONG_PASSWORD }, ip: freshIp() })],
  ];

  for (const [path, known, unknown, request] of cases) {
    it(`SECURITY.md every public path does the same work: ${path} — same statements, hashes and queued rows`, async () => {
      // Warm both paths once (statement caches, first-use lookups), then measure the second run of each.
      await request(known)(t);
      await request(unknown)(t);
      const forKnown = await workOf(t, () => request(known)(t));
      const forUnknown = await workOf(t, () => request(unknown)(t));
      expect(forUnknown.status).toBe(forKnown.status);
      expect(forUnknown.hashes).toBe(forKnown.hashes);
      expect(forUnknown.outboxRows).toBe(forKnown.outboxRows);
      expect(forUnknown.statements).toEqual(forKnown.statements);
    });
  }

  it('SECURITY.md throttle answers never say whose an identifier is: after 6 wrong passwords by email, its phone answers like an unrelated number', async () => {
    const attempt = async (identifier: string) => {
      const ip = freshIp();
      const flow = await api(t, 'POST', '/api/v1/signin/flows', { body: {}, ip });
      await api(t, 'POST', `/api/v1/signin/flows/${flow.body.flow.id}/identifier`, { body: { identifier }, ip });
      return api(t, 'POST', `/api/v1/signin/flows/${flow.body.flow.id}/password`, { body: { password: 'not the right password at all' }, ip });
    };
    for (let i = 0; i < 6; i++) expect((await attempt('known@example.com')).status).toBe(401);
    expect((await attempt('known@example.com')).status).toBe(429);
    const ownPhone = await attempt('+14155550132');
    const otherNumber = await attempt('+14155550199');
    expect(ownPhone.status).toBe(otherNumber.status);
    expect(ownPhone.body).toEqual(otherNumber.body);
  });
});
