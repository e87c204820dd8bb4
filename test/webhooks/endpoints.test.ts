import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { revokePartner } from '../../src/partners/partners.js';
import { openSecret } from '../../src/platform/secret-box.js';
import { AppError } from '../../src/platform/errors.js';
import { addEndpoint, checkWebhookUrl, listEndpoints, MAX_ENDPOINTS_PER_OWNER, SECRET_PURPOSE } from '../../src/webhooks/endpoints.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { partner } from './fixtures.js';

/** Registering endpoints: which URLs are accepted, whose they may be, and how the secret is kept. */
describe('webhook endpoints', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(() => t.close());

  const codeOf = (fn: () => unknown) => {
    try {
      fn();
    } catch (error) {
      return error instanceof AppError ? `${error.status} ${error.code}` : String(error);
    }
    return 'accepted';
  };

  it('accepts https anywhere and plain http on loopback only', () => {
    expect(checkWebhookUrl('https://shop.example/hooks?source=custos')).toBe('https://shop.example/hooks?source=custos');
    expect(checkWebhookUrl('http://127.0.0.1:4000/hooks')).toBe('http://127.0.0.1:4000/hooks');
    expect(checkWebhookUrl('http://localhost:4000/hooks')).toBe('http://localhost:4000/hooks');
    expect(checkWebhookUrl('http://[::1]:4000/hooks')).toBe('http://[::1]:4000/hooks');
    // Written as the parser writes it: what is shown is what is called.
    expect(checkWebhookUrl('https://bücher.example/hooks')).toBe('https://xn--bcher-kva.example/hooks');
  });

  it('refuses plain http elsewhere, other schemes, credentials, fragments, hidden characters and over-long URLs, with one stable code', () => {
    const refused = [
      'http://shop.example/hooks', 'http://10.0.0.5/hooks', 'http://127.0.0.1.nip.io/hooks', 'http://localhost.evil.example/hooks', 'ftp://shop.example/x',
      'javascript:alert(1)', 'file:///etc/passwd', 'https://user:pass@shop.example/hooks', 'https://token@shop.example/hooks', 'https://shop.example/hooks#frag',
      'https://shop.example/ho oks', ' https://shop.example/hooks', 'https://shop.example/hooks\n', 'https://shop.example/\u202Eskoh', 'https://shop.example/\u0000',
      'https://shop.example/\u200Bhooks', `https://shop.example/${'a'.repeat(480)}`, '', 'shop.example/hooks', '/hooks', 'https://',
    ];
    for (const url of refused) expect([url, codeOf(() => checkWebhookUrl(url))]).toEqual([url, '422 webhook.url_invalid']);
    expect(codeOf(() => checkWebhookUrl(`https://shop.example/${'a'.repeat(479)}`))).toBe('accepted');
  });

  it('keeps the secret sealed under the configured SECRET (secret-box, its own purpose), never in plain text', async () => {
    const added = await addEndpoint(t.app.deps, { partnerId: null, url: 'https://shop.example/hooks' });
    expect(added.id).toMatch(/^we_[\w-]{22}$/);
    expect(added.secret).toMatch(/^whsec_[\w-]{43}$/);
    const row = await t.app.deps.db.selectFrom('webhook_endpoints').selectAll().where('id', '=', added.id).executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(added.secret.slice('whsec_'.length));
    expect(openSecret(t.config.keys, SECRET_PURPOSE, row.secret_sealed).plaintext).toBe(added.secret);
    expect(() => openSecret(t.config.keys, 'totp', row.secret_sealed)).toThrow();
    const other = await addEndpoint(t.app.deps, { partnerId: null, url: 'https://shop.example/hooks' });
    expect(other.secret).not.toBe(added.secret);
  });

  it("refuses an unknown or revoked partner, and writes nothing", async () => {
    const revoked = await partner(t, 'Gone');
    await revokePartner(t.app.deps, revoked);
    for (const partnerId of ['cp_unknown', revoked, 'not-a-client-id', `cp_${'x'.repeat(5000)}`, "cp_'; DROP TABLE partners;--"]) {
      await expect(addEndpoint(t.app.deps, { partnerId, url: 'https://partner.example/hooks' })).rejects.toMatchObject({ status: 422, code: 'webhook.partner_unknown' });
    }
    expect(await listEndpoints(t.app.deps)).toEqual([]);
  });

  it(`bounds the fan-out: at most ${MAX_ENDPOINTS_PER_OWNER} active endpoints per owner`, async () => {
    const a = await partner(t, 'A');
    for (let i = 0; i < MAX_ENDPOINTS_PER_OWNER; i++) await addEndpoint(t.app.deps, { partnerId: a, url: `https://a.example/${i}` });
    await expect(addEndpoint(t.app.deps, { partnerId: a, url: 'https://a.example/x' })).rejects.toMatchObject({ status: 409, code: 'webhook.too_many_endpoints' });
    // Another owner is not affected.
    await addEndpoint(t.app.deps, { partnerId: null, url: 'https://shop.example/hooks' });
    const owners = (await listEndpoints(t.app.deps)).map((e) => e.partnerId ?? 'store');
    expect(owners.filter((o) => o === a)).toHaveLength(MAX_ENDPOINTS_PER_OWNER);
    expect(owners.filter((o) => o === 'store')).toHaveLength(1);
  });
});
