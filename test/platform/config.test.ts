import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, isStrongSecret, loadConfig } from '../../src/config.js';
import { createTestApp, lastMessageTo, STRONG_PASSWORD, type TestApp } from '../helpers/app.js';
import { signUpFrom } from '../helpers/fixtures.js';

/**
 * Config is parsed once and refuses weak settings in production (STYLE.md habit 7). Links in messages come from
 * PUBLIC_URL, never from the Host or X-Forwarded-Host header (Better Auth GHSA-569q-mpph-wgww).
 */
const STRONG_SECRET = 'k7Qz3vN9pX2mL8rT4wY6bC1dF5gH0jS-e';
const PRODUCTION = { NODE_ENV: 'production', SECRET: STRONG_SECRET, PUBLIC_URL: 'https://accounts.shop.example', DATABASE_URL: 'postgres://custos@db/custos', LOG_LEVEL: 'silent' };

describe('configuration', () => {
  it('production refuses to start without SECRET, PUBLIC_URL and DATABASE_URL, naming each', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(ConfigError);
    try {
      loadConfig({ NODE_ENV: 'production' });
    } catch (error) {
      expect((error as Error).message).toMatch(/SECRET/);
      expect((error as Error).message).toMatch(/PUBLIC_URL/);
      expect((error as Error).message).toMatch(/DATABASE_URL/);
    }
    for (const missing of ['SECRET', 'PUBLIC_URL', 'DATABASE_URL'] as const) {
      const env: Record<string, string> = { ...PRODUCTION };
      delete env[missing];
      expect(() => loadConfig(env), missing).toThrow(new RegExp(missing));
    }
    expect(() => loadConfig({ ...PRODUCTION, SECRET: '' })).toThrow(/SECRET/);
  });

  it('production refuses a weak SECRET: short, repetitive, or the development default', () => {
    for (const secret of ['short-secret', 'a'.repeat(64), 'abababababababababababababababab', 'development-only-secret-not-for-production-use', STRONG_SECRET.slice(0, 31)]) {
      expect(isStrongSecret(secret), secret).toBe(false);
      expect(() => loadConfig({ ...PRODUCTION, SECRET: secret }), secret).toThrow(/SECRET/);
    }
    expect(isStrongSecret(STRONG_SECRET)).toBe(true);
  });

  it('a complete production config loads, with no development mailbox and secure cookies', () => {
    const config = loadConfig({ ...PRODUCTION, PUBLIC_URL: 'https://accounts.shop.example/' });
    expect(config.env).toBe('production');
    expect(config.publicUrl).toBe('https://accounts.shop.example');
    expect(config.devMailbox).toBe(false);
    expect(config.secureCookies).toBe(true);
    expect(config.secret).toBe(STRONG_SECRET);
  });

  it('PUBLIC_URL must be an http(s) URL', () => {
    for (const url of ['javascript:alert(1)', 'ftp://accounts.shop.example', 'accounts.shop.example', '//evil.example']) {
      expect(() => loadConfig({ ...PRODUCTION, PUBLIC_URL: url }), url).toThrow(ConfigError);
    }
  });

  it('out-of-range session and step-up settings are refused', () => {
    expect(() => loadConfig({ SESSION_IDLE_MINUTES: '0' })).toThrow(ConfigError);
    expect(() => loadConfig({ SESSION_ABSOLUTE_DAYS: '1000' })).toThrow(ConfigError);
    expect(() => loadConfig({ STEP_UP_MINUTES: '0' })).toThrow(ConfigError);
    expect(() => loadConfig({ STEP_UP_MINUTES: 'ten' })).toThrow(ConfigError);
  });

  it('a production app serves no development mailbox', async () => {
    const production = await createTestApp(PRODUCTION);
    try {
      const res = await production.app.fastify.inject({ method: 'GET', url: '/dev/mailbox' });
      expect(res.statusCode).toBe(404);
    } finally {
      await production.close();
    }
  });
});

describe('links in messages (GHSA-569q-mpph-wgww)', () => {
  let t: TestApp;
  afterEach(() => t.close());

  const hostile = { host: 'evil.example', 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'http', forwarded: 'host=evil.example;proto=http' };

  async function signupWithHostileHost(email: string) {
    return t.app.fastify.inject({
      method: 'POST',
      url: '/api/v1/signup',
      remoteAddress: '203.0.113.77',
      headers: { 'content-type': 'application/json', ...hostile },
      payload: JSON.stringify({ name: 'Ada Lovelace', email, password: STRONG_PASSWORD }),
    });
  }

  for (const trustProxy of ['false', 'true']) {
    it(`GHSA-569q-mpph-wgww: a hostile Host / X-Forwarded-Host never reaches an emailed link (TRUST_PROXY=${trustProxy})`, async () => {
      t = await createTestApp({ PUBLIC_URL: 'https://accounts.shop.example', TRUST_PROXY: trustProxy });
      await signUpFrom(t, { email: 'owner@example.com' });

      expect((await signupWithHostileHost('new@example.com')).statusCode).toBe(202);
      expect((await signupWithHostileHost('owner@example.com')).statusCode).toBe(202);

      const confirmation = await lastMessageTo(t, 'new@example.com');
      const links = confirmation!.text_body.match(/https?:\/\/[^\s)>"]+/g) ?? [];
      expect(links.length).toBeGreaterThan(0);
      for (const link of links) expect(new URL(link).origin, link).toBe('https://accounts.shop.example');
      expect(links.some((l) => l.startsWith('https://accounts.shop.example/signup/confirm/link?'))).toBe(true);

      const everything = await t.app.deps.db.selectFrom('outbox').select(['text_body', 'html_body']).execute();
      for (const row of everything) {
        expect(row.text_body).not.toContain('evil.example');
        expect(row.html_body ?? '').not.toContain('evil.example');
      }
    });
  }

  it('GHSA-569q-mpph-wgww: the OpenAPI server URL is the configured one, not the Host header', async () => {
    t = await createTestApp({ PUBLIC_URL: 'https://accounts.shop.example' });
    const res = await t.app.fastify.inject({ method: 'GET', url: '/api/openapi.json', headers: hostile });
    expect(JSON.parse(res.body).servers).toEqual([{ url: 'https://accounts.shop.example' }]);
  });
});
