import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, signIn, STRONG_PASSWORD, type TestApp } from '../helpers/app.js';
import { signUpFrom } from '../helpers/fixtures.js';

/**
 * SECURITY.md "Headers": a CSP without 'unsafe-inline' scripts and with frame-ancestors 'none', nosniff,
 * Referrer-Policy: no-referrer, on pages and API responses alike (errors included); HSTS when served over https.
 */
function directives(csp: string): Map<string, string[]> {
  return new Map(
    csp
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((parts) => parts[0])
      .map(([name, ...values]) => [name!.toLowerCase(), values]),
  );
}

describe('security headers', () => {
  let t: TestApp;
  let token: string;
  beforeAll(async () => {
    t = await createTestApp();
    ({ token } = await signUpFrom(t, { email: 'ada@example.com' }));
  });
  afterAll(() => t.close());

  const requests = () => [
    { label: 'API success', method: 'GET' as const, url: '/api/v1/account', headers: { authorization: `Bearer ${token}` } },
    { label: 'API 401', method: 'GET' as const, url: '/api/v1/account', headers: {} },
    { label: 'API 400', method: 'POST' as const, url: '/api/v1/signup', headers: { 'content-type': 'application/json' }, payload: '{' },
    { label: 'API 404', method: 'GET' as const, url: '/api/v1/nothing-here', headers: {} },
    { label: 'OpenAPI document', method: 'GET' as const, url: '/api/openapi.json', headers: {} },
    { label: 'HTML page (404)', method: 'GET' as const, url: '/no-such-page', headers: { accept: 'text/html' } },
    { label: 'HTML page (mailbox)', method: 'GET' as const, url: '/dev/mailbox', headers: { accept: 'text/html' } },
    { label: 'health check', method: 'GET' as const, url: '/healthz', headers: {} },
  ];

  it("CSP: scripts only from 'self', no 'unsafe-inline' or 'unsafe-eval', on pages and API responses", async () => {
    for (const r of requests()) {
      const res = await t.app.fastify.inject({ method: r.method, url: r.url, headers: r.headers, payload: r.payload });
      const csp = directives(String(res.headers['content-security-policy'] ?? ''));
      const scripts = csp.get('script-src') ?? csp.get('default-src');
      expect(scripts, r.label).toBeDefined();
      expect(scripts, r.label).not.toContain("'unsafe-inline'");
      expect(scripts, r.label).not.toContain("'unsafe-eval'");
      expect(scripts, r.label).not.toContain('*');
      expect(csp.get('object-src'), r.label).toEqual(["'none'"]);
    }
  });

  it("frame-ancestors 'none' (and X-Frame-Options DENY) on pages and API responses", async () => {
    for (const r of requests()) {
      const res = await t.app.fastify.inject({ method: r.method, url: r.url, headers: r.headers, payload: r.payload });
      expect(directives(String(res.headers['content-security-policy'])).get('frame-ancestors'), r.label).toEqual(["'none'"]);
      expect(res.headers['x-frame-options'], r.label).toBe('DENY');
    }
  });

  it('X-Content-Type-Options: nosniff and Referrer-Policy: no-referrer on pages and API responses', async () => {
    for (const r of requests()) {
      const res = await t.app.fastify.inject({ method: r.method, url: r.url, headers: r.headers, payload: r.payload });
      expect(res.headers['x-content-type-options'], r.label).toBe('nosniff');
      expect(res.headers['referrer-policy'], r.label).toBe('no-referrer');
    }
  });

  it('responses that carry tokens or account data are not cached', async () => {
    const account = await t.app.fastify.inject({ method: 'GET', url: '/api/v1/account', headers: { authorization: `Bearer ${token}` } });
    expect(account.headers['cache-control']).toBe('no-store');
    const signedIn = await signIn(t, 'ada@example.com', STRONG_PASSWORD);
    expect(signedIn.status).toBe(201);
    expect(signedIn.headers['cache-control']).toBe('no-store');
  });

  it('HSTS is sent when the public URL is https, and not over plain http', async () => {
    const plain = await t.app.fastify.inject({ method: 'GET', url: '/healthz' });
    expect(plain.headers['strict-transport-security']).toBeUndefined();
    const secure = await createTestApp({ PUBLIC_URL: 'https://accounts.shop.example' });
    try {
      for (const url of ['/healthz', '/api/v1/account', '/no-such-page']) {
        const res = await secure.app.fastify.inject({ method: 'GET', url });
        expect(String(res.headers['strict-transport-security'])).toMatch(/max-age=\d{7,}/);
      }
    } finally {
      await secure.close();
    }
  });
});
