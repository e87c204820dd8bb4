import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SMTPServer } from 'smtp-server';
import { dkimVerify } from 'mailauth/lib/dkim/verify.js';
import { ConfigError, loadConfig } from '../../src/config.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { signUpFrom } from '../helpers/fixtures.js';

const SELECTOR = 'custos1';
const DOMAIN = 'shop.example';

function rsaKeys(bits = 2048) {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: bits });
  return {
    pem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    // The TXT record a store publishes at custos1._domainkey.shop.example (README).
    record: `v=DKIM1; k=rsa; p=${publicKey.export({ type: 'spki', format: 'der' }).toString('base64')}`,
  };
}

/** A DNS that knows only the store's DKIM record, as the receiving server would look it up. */
function resolverFor(record: string) {
  return async (name: string, type: string) => {
    if (name === `${SELECTOR}._domainkey.${DOMAIN}` && type === 'TXT') return [[record]];
    throw Object.assign(new Error(`no ${type} for ${name}`), { code: 'ENOTFOUND' });
  };
}

/** A real SMTP server keeping each message exactly as it arrived: a signature is checked over the raw bytes. */
async function rawMailServer() {
  const received: Buffer[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        received.push(Buffer.concat(chunks));
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    async first(): Promise<Buffer> {
      for (let i = 0; i < 200 && received.length === 0; i++) await delay(50);
      if (!received[0]) throw new Error('no mail arrived');
      return received[0];
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('DKIM: outgoing mail is signed with the store key', () => {
  let t: TestApp;
  let smtp: Awaited<ReturnType<typeof rawMailServer>>;
  const keys = rsaKeys();
  beforeEach(async () => {
    smtp = await rawMailServer();
    t = await createTestApp({ SMTP_URL: smtp.url, MAIL_FROM: `Custos <no-reply@${DOMAIN}>`, DKIM_PRIVATE_KEY: keys.pem, DKIM_SELECTOR: SELECTOR });
  });
  afterEach(async () => {
    await t.close();
    await smtp.close();
  });

  it('a received message carries a DKIM signature that verifies against the published key, and fails once altered', async () => {
    await signUpFrom(t, { email: 'jane@example.com' });
    const raw = await smtp.first();
    expect(raw.toString()).toMatch(new RegExp(`^DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=${DOMAIN};\\s+q=dns/txt; s=${SELECTOR};`, 'm'));

    const verified = await dkimVerify(raw, { resolver: resolverFor(keys.record) as never });
    expect(verified.results.map((r) => r.status.result)).toEqual(['pass']);
    expect(verified.results[0]!.signingDomain).toBe(DOMAIN);

    // The reference at its foot is covered by the signature: a changed reference no longer verifies.
    const altered = raw.toString().replace(/Message reference: [0-9A-Z]{5}/, 'Message reference: ZZZZZ');
    expect(altered).not.toBe(raw.toString());
    const tampered = await dkimVerify(Buffer.from(altered), { resolver: resolverFor(keys.record) as never });
    // RFC 6376 §6.1.3: a body hash that does not match means the signature does not verify (mailauth: neutral, "body hash did not verify").
    expect(tampered.results[0]!.status.result).not.toBe('pass');
    expect(tampered.results[0]!.status.comment).toMatch(/body hash did not verify/);
  });
});

describe('DKIM settings are checked at start', () => {
  const keys = rsaKeys();
  const load = (env: Record<string, string>) => () => loadConfig({ NODE_ENV: 'test', MAIL_FROM: `Custos <no-reply@${DOMAIN}>`, ...env });

  it('signs for the MAIL_FROM domain unless DKIM_DOMAIN says otherwise; the key may be PEM text, one line with \\n, or a file path', () => {
    expect(load({})().dkim).toBeUndefined();
    expect(load({ DKIM_PRIVATE_KEY: keys.pem, DKIM_SELECTOR: SELECTOR })().dkim).toMatchObject({ domainName: DOMAIN, keySelector: SELECTOR });
    expect(load({ DKIM_PRIVATE_KEY: keys.pem.replace(/\n/g, '\\n'), DKIM_SELECTOR: SELECTOR, DKIM_DOMAIN: 'Mail.Shop.Example' })().dkim).toMatchObject({ domainName: 'mail.shop.example' });
    const dir = mkdtempSync(join(tmpdir(), 'dkim-'));
    writeFileSync(join(dir, 'dkim.pem'), keys.pem, { mode: 0o600 });
    expect(load({ DKIM_PRIVATE_KEY: join(dir, 'dkim.pem'), DKIM_SELECTOR: SELECTOR })().dkim?.privateKey).toContain('BEGIN PRIVATE KEY');
  });

  it('a bad key or a missing half refuses to start, naming the setting and never printing the key', () => {
    const weak = rsaKeys(512).pem;
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{ DKIM_PRIVATE_KEY: keys.pem }, /DKIM_PRIVATE_KEY and DKIM_SELECTOR: set both/],
      [{ DKIM_SELECTOR: SELECTOR }, /DKIM_PRIVATE_KEY and DKIM_SELECTOR: set both/],
      [{ DKIM_PRIVATE_KEY: '-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----', DKIM_SELECTOR: SELECTOR }, /DKIM_PRIVATE_KEY: is not a PEM private key/],
      [{ DKIM_PRIVATE_KEY: '/nonexistent/dkim.pem', DKIM_SELECTOR: SELECTOR }, /DKIM_PRIVATE_KEY: is neither PEM text nor the path of a readable PEM file/],
      [{ DKIM_PRIVATE_KEY: weak, DKIM_SELECTOR: SELECTOR }, /RSA private key of at least 1024 bits/],
      [{ DKIM_PRIVATE_KEY: ec, DKIM_SELECTOR: SELECTOR }, /RSA private key of at least 1024 bits/],
      [{ DKIM_PRIVATE_KEY: keys.pem, DKIM_SELECTOR: 'bad selector;' }, /DKIM_SELECTOR: must be a DNS label/],
      [{ DKIM_PRIVATE_KEY: keys.pem, DKIM_SELECTOR: SELECTOR, DKIM_DOMAIN: 'not a domain' }, /DKIM_DOMAIN: must be a domain name/],
      [{ DKIM_PRIVATE_KEY: keys.pem, DKIM_SELECTOR: SELECTOR, MAIL_FROM: 'Custos' }, /DKIM_DOMAIN: MAIL_FROM has no domain/],
    ];
    for (const [env, message] of cases) {
      let thrown: unknown;
      try {
        load(env)();
      } catch (error) {
        thrown = error;
      }
      expect(thrown, JSON.stringify(Object.keys(env))).toBeInstanceOf(ConfigError);
      expect((thrown as Error).message).toMatch(message);
      expect((thrown as Error).message).not.toContain('PRIVATE KEY-----');
    }
  });
});
