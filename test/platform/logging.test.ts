import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { api, createTestApp, lastCodeTo, signIn, STRONG_PASSWORD, type TestApp } from '../helpers/app.js';
import { signUpFrom, textValuesOf } from '../helpers/fixtures.js';

/**
 * SECURITY.md: log every attempt, success and failure, with the method (ASVS 16.3.1); never log secrets, codes
 * or tokens. The app's own logger options are used unchanged; only its output is captured here.
 */
const lines = vi.hoisted(() => [] as string[]);

vi.mock('../../src/platform/logging.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/platform/logging.js')>();
  return {
    ...original,
    loggerOptions: (config: Parameters<typeof original.loggerOptions>[0]) => {
      const options = original.loggerOptions(config);
      if (!options || typeof options !== 'object') return options;
      return { ...options, stream: { write: (line: string) => void lines.push(line) } };
    },
  };
});

const NEW_PASSWORD = 'amber otter kiln meadow';

describe('logs and the audit trail', () => {
  let t: TestApp;
  const secrets: string[] = [];

  beforeAll(async () => {
    t = await createTestApp({ LOG_LEVEL: 'trace' });
    const { token } = await signUpFrom(t, { email: 'ada@example.com', phone: '+14155550132' });
    secrets.push(STRONG_PASSWORD, NEW_PASSWORD, token, token.split('.')[1]!);
    const smsCode = await lastCodeTo(t, '+14155550132');
    secrets.push(smsCode);
    await api(t, 'POST', '/api/v1/account/phone/confirm', { token, body: { code: smsCode } });

    expect((await signIn(t, 'ada@example.com', 'a wrong password typed once')).status).toBe(401);
    secrets.push('a wrong password typed once');
    const signedIn = await signIn(t, 'ada@example.com', STRONG_PASSWORD);
    const second = signedIn.body.session.token as string;
    secrets.push(second, second.split('.')[1]!);
    // A token in a cookie and in a query string, as a browser or a mail link would send it.
    await t.app.fastify.inject({ method: 'GET', url: '/api/v1/account', headers: { cookie: `__Host-custos_session=${second}` } });
    await t.app.fastify.inject({ method: 'GET', url: `/signup/confirm/link?flow=x&token=${second.split('.')[1]}` });

    const stepped = await api(t, 'POST', '/api/v1/step-up', { token: second, body: { password: STRONG_PASSWORD } });
    secrets.push(stepped.body.session.token, stepped.body.session.token.split('.')[1]);
    const changed = await api(t, 'POST', '/api/v1/account/password', { token: stepped.body.session.token, body: { current_password: STRONG_PASSWORD, new_password: NEW_PASSWORD } });
    expect(changed.status).toBe(200);
    secrets.push(changed.body.session.token, changed.body.session.token.split('.')[1]);
    // A rejected body that echoes nothing back into the log either.
    await api(t, 'POST', '/api/v1/signin/flows/nope/password', { body: { password: STRONG_PASSWORD } });
  });
  afterAll(() => t.close());

  it('the captured log is real: requests were logged', () => {
    expect(lines.length).toBeGreaterThan(10);
    expect(lines.some((l) => l.includes('/api/v1/signin/flows/'))).toBe(true);
  });

  it('ASVS 16.3.1 / SECURITY.md: no password, session token or code appears in the logs', () => {
    const log = lines.join('\n');
    for (const secret of secrets) expect(log.includes(secret), `log contains ${secret.slice(0, 6)}…`).toBe(false);
  });

  it('SECURITY.md: secrets logged by mistake are redacted by path (headers, cookies, body fields)', () => {
    lines.length = 0;
    t.app.fastify.log.info({ req: { method: 'GET', url: '/api/v1/account?token=leaked.secret-1', headers: { authorization: 'Bearer leaked.secret-1', cookie: '__Host-custos_session=leaked.secret-2' } } }, 'headers');
    t.app.fastify.log.info({ body: { password: 'leaked-secret-3', current_password: 'leaked-secret-4', new_password: 'leaked-secret-5', code: '918273', token: 'leaked-secret-6', _csrf: 'leaked-secret-7' } }, 'body');
    const log = lines.join('\n');
    expect(lines).toHaveLength(2);
    for (const secret of ['leaked.secret-1', 'leaked.secret-2', 'leaked-secret-3', 'leaked-secret-4', 'leaked-secret-5', '918273', 'leaked-secret-6', 'leaked-secret-7']) {
      expect(log).not.toContain(secret);
    }
    expect(log).toContain('[redacted]');
  });

  it('ASVS 16.3.1: every sign-in attempt is in the audit trail, success and failure, with the method', async () => {
    const events = await t.app.deps.db.selectFrom('audit_events').select(['type', 'detail', 'ip']).where('type', 'in', ['signin.failed', 'signin.succeeded']).execute();
    const method = (e: { detail: string }) => JSON.parse(e.detail).method as unknown;
    const failed = events.filter((e) => e.type === 'signin.failed');
    const succeeded = events.filter((e) => e.type === 'signin.succeeded');
    expect(failed.map(method)).toEqual(['password']);
    expect(succeeded.filter((e) => method(e) === 'password')).toHaveLength(1);
    for (const event of events) {
      expect(method(event)).toEqual(expect.any(String));
      expect(event.ip).toBeTruthy();
    }
    const stepUp = await t.app.deps.db.selectFrom('audit_events').select('type').where('type', '=', 'stepup.succeeded').execute();
    expect(stepUp).toHaveLength(1);
  });

  it('SECURITY.md: the audit trail, flows and sessions hold no password, token or code', async () => {
    for (const table of ['audit_events', 'flows', 'sessions', 'throttles', 'accounts'] as const) {
      const values = (await textValuesOf(t, table)).join('\n');
      for (const secret of secrets) expect(values.includes(secret), `${table} contains ${secret.slice(0, 6)}…`).toBe(false);
    }
  });
});
