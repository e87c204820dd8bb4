import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { api, createTestApp, STRONG_PASSWORD, type TestApp } from '../helpers/app.js';
import { testEngine } from '../helpers/database.js';
import { expectClientError, raw, signUpFrom } from '../helpers/fixtures.js';

/**
 * Hostile URLs and credentials: odd path parameters, unknown or mismatched flow ids and forged session tokens
 * get a clear 4xx with a stable code, never a 500, and never reach another customer's data.
 */
describe('hostile paths and tokens', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(() => t.close());

  const signup = (body: unknown) => api(t, 'POST', '/api/v1/signup', { body, ip: '192.0.2.44' });
  const valid = { name: 'Ada Lovelace', email: 'ada@example.com', password: STRONG_PASSWORD };

  it('an unknown flow id → 404 not_found', async () => {
    expectClientError(await api(t, 'POST', '/api/v1/signup/no-such-flow/confirm', { body: { code: '123456' } }), 404, 'not_found');
    expectClientError(await api(t, 'POST', '/api/v1/signup/no-such-flow/resend', { body: {} }), 404, 'not_found');
    expectClientError(await api(t, 'POST', '/api/v1/signin/flows/no-such-flow/identifier', { body: { identifier: 'ada@example.com' } }), 404, 'not_found');
    expectClientError(await api(t, 'POST', '/api/v1/signin/flows/no-such-flow/password', { body: { password: STRONG_PASSWORD } }), 404, 'not_found');
  });

  it('a sign-up flow id is not a sign-in flow id (and the other way round)', async () => {
    const started = await signup(valid);
    expectClientError(await api(t, 'POST', `/api/v1/signin/flows/${started.body.flow.id}/identifier`, { body: { identifier: 'ada@example.com' } }), 404, 'not_found');
    const flow = await api(t, 'POST', '/api/v1/signin/flows', { body: {} });
    expectClientError(await api(t, 'POST', `/api/v1/signup/${flow.body.flow.id}/confirm`, { body: { code: '123456' } }), 404, 'not_found');
  });

  it('a protected route answers 401 before it looks at the id: without a session or key, odd ids reveal nothing', async () => {
    for (const segment of ['%3Cscript%3E', 'a%20b', 'well-formed-id']) {
      expectClientError(await raw(t, 'GET', `/api/v1/orders/${segment}`, undefined), 401, 'auth.required');
      expectClientError(await raw(t, 'DELETE', `/api/v1/sessions/${segment}`, undefined), 401, 'auth.required');
      expectClientError(await raw(t, 'GET', `/api/store/v1/orders/${segment}`, undefined), 401, 'store.key_invalid');
    }
  });

  it('path parameters with odd characters → 404 not_found, never a 500', async () => {
    const { token } = await signUpFrom(t, { email: 'ada@example.com' });
    const odd = ["'%20OR%201=1%20--", '..%2F..%2Fetc%2Fpasswd', '%F0%9F%98%80', '%3Cscript%3E', 'a%20b', '%25', '.', 'null', '-1'];
    for (const segment of odd) {
      expectClientError(await raw(t, 'POST', `/api/v1/signup/${segment}/confirm`, '{"code":"123456"}'), 404, 'not_found');
      expectClientError(await raw(t, 'POST', `/api/v1/signin/flows/${segment}/identifier`, '{"identifier":"ada@example.com"}'), 404, 'not_found');
      const del = await raw(t, 'DELETE', `/api/v1/sessions/${segment}`, undefined, { authorization: `Bearer ${token}` });
      expect(del.status).toBe(404);
    }
    expect((await api(t, 'GET', '/api/v1/account', { token })).status).toBe(200);
  });

  it('a path parameter that is too long or badly percent-encoded → 4xx, never a 500', async () => {
    for (const url of [`/api/v1/signup/${'a'.repeat(300)}/confirm`, '/api/v1/signup/%E0%A4%A/confirm', '/api/v1/signup/%/confirm']) {
      const res = await raw(t, 'POST', url, '{"code":"123456"}');
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
    }
  });

  it('a path parameter that is too long or badly percent-encoded answers in the API error shape, with the security headers', async () => {
    for (const url of [`/api/v1/signup/${'a'.repeat(300)}/confirm`, '/api/v1/signup/%E0%A4%A/confirm']) {
      const res = await raw(t, 'POST', url, '{"code":"123456"}');
      expect(res.body).toMatchObject({ error: { code: expect.stringMatching(/^request\./), message: expect.any(String) } });
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['content-security-policy']).toBeDefined();
    }
  });

  it('hostile bearer tokens → 401 auth.required, never a 500', async () => {
    const tokens = ["' OR 1=1 --.x", '.', 'a.', '.b', 'x'.repeat(5000), 'a.b.c', '%00.%00', 'ä.ö', 'null.null'];
    for (const token of tokens) expectClientError(await api(t, 'GET', '/api/v1/account', { token }), 401, 'auth.required');
    const weird = await raw(t, 'GET', '/api/v1/account', undefined, { authorization: 'Basic YWRhOnB3', 'content-type': 'application/json' });
    expectClientError(weird, 401, 'auth.required');
    const cookie = await raw(t, 'GET', '/api/v1/account', undefined, { cookie: '__Host-custos_session=%ZZ; __Host-custos_session=x.y' });
    expectClientError(cookie, 401, 'auth.required');
  });

  // PostgreSQL refuses a NUL byte in text, so an id that reaches a query unchecked becomes a 500 there.
  it('a NUL byte in a flow id, session id or session cookie → 4xx, never a 500', async () => {
    const { token } = await signUpFrom(t, { email: 'ada@example.com' });
    for (const segment of ['%00', 'a%00b']) {
      expectClientError(await raw(t, 'POST', `/api/v1/signup/${segment}/confirm`, '{"code":"123456"}'), 404, 'not_found');
      expectClientError(await raw(t, 'POST', `/api/v1/signin/flows/${segment}/identifier`, '{"identifier":"ada@example.com"}'), 404, 'not_found');
      expect((await raw(t, 'DELETE', `/api/v1/sessions/${segment}`, undefined, { authorization: `Bearer ${token}` })).status).toBe(404);
    }
    expectClientError(await raw(t, 'GET', '/api/v1/account', undefined, { cookie: '__Host-custos_session=%00.abc' }), 401, 'auth.required');
    expectClientError(await api(t, 'GET', '/api/v1/account', { token: `${token.split('.')[0]}\u0000.x` }), 401, 'auth.required');
  });
});
