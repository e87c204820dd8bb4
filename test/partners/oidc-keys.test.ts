import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { ManualClock, MINUTE } from '../../src/platform/clock.js';
import { cryptoRandom } from '../../src/platform/random.js';
import { signingKeys } from '../../src/partners/oidc/signing-keys.js';
import { RETIRED_KEY_PUBLISHED_MS } from '../../src/partners/oidc/lifetimes.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { createTestApp } from '../helpers/app.js';

const run = promisify(execFile);

/** `npm run oidc-keys` from the compiled build, and the keys the provider publishes. */
describe('the OpenID signing keys', () => {
  let database: TestDatabase;
  beforeEach(async () => {
    database = await createTestDatabase();
  });
  afterEach(() => database.close());

  async function keysCommand(...args: string[]) {
    const env = { ...process.env, DATA_DIR: database.dataDir, DATABASE_URL: database.databaseUrl ?? '', LOG_LEVEL: 'silent', NODE_ENV: 'test' };
    try {
      const { stdout, stderr } = await run(process.execPath, ['dist/cli/oidc-keys.js', ...args], { env });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    }
  }

  it('are made on first start, sealed (no private key in the database), and the same for every instance', async () => {
    const deps = { db: database.db.kysely, clock: new ManualClock(), random: cryptoRandom, config: loadConfig({ NODE_ENV: 'test' }) };
    const first = await signingKeys(deps);
    const second = await signingKeys(deps);
    expect(second.map((k) => k.kid)).toEqual(first.map((k) => k.kid));
    const rows = await database.db.kysely.selectFrom('oidc_signing_keys').selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.sealed_jwk).toMatch(/^v2\./);
    expect(rows[0]!.sealed_jwk).not.toContain((first[0] as { d: string }).d);
  });

  it('rotate adds a current key and keeps the old one published until its ID tokens expire; list never prints a secret', async () => {
    const clock = new ManualClock(Date.now());
    const deps = { db: database.db.kysely, clock, random: cryptoRandom, config: loadConfig({ NODE_ENV: 'test' }) };
    const [old] = await signingKeys(deps);
    const rotated = await keysCommand('rotate');
    expect(rotated.code).toBe(0);
    const kid = /^kid: (\S+)$/m.exec(rotated.stdout)![1]!;
    const listed = await keysCommand('list', '--json');
    const keys = JSON.parse(listed.stdout) as Array<{ kid: string; retired_at: string | null }>;
    expect(keys.map((k) => k.kid).sort()).toEqual([kid, old!.kid].sort());
    expect(listed.stdout).not.toMatch(/"d"|sealed|v2\./);
    expect((await keysCommand('list')).stdout).toContain(`${kid}\tcreated`);
    // Published: the new key signs (first), the old one still verifies; after the longest ID token life it is gone.
    clock.set(Date.now());
    const published = await signingKeys(deps);
    expect(published.map((k) => k.kid)).toEqual([kid, old!.kid]);
    clock.advance(RETIRED_KEY_PUBLISHED_MS + MINUTE);
    expect((await signingKeys(deps)).map((k) => k.kid)).toEqual([kid]);
    expect((await keysCommand('shred')).code).toBe(2);
  });

  it('the provider publishes only public keys in its JWKS', async () => {
    const t = await createTestApp({}, { listen: true });
    try {
      const jwks = await (await fetch(`${t.baseUrl}/oidc/jwks`)).json();
      for (const key of jwks.keys) for (const secret of ['d', 'p', 'q', 'dp', 'dq', 'qi']) expect(key[secret]).toBeUndefined();
    } finally {
      await t.close();
    }
  });
  it('SECURITY.md Secrets rotate: a key sealed under a previous SECRET is re-sealed under the new one; once that SECRET is gone a new key signs', async () => {
    const old = 'an-old-secret-for-sealing-signing-keys-0001';
    const next = 'a-new-secret-for-sealing-signing-keys-00002';
    const deps = (env: Record<string, string>) => ({ db: database.db.kysely, clock: new ManualClock(), config: loadConfig({ NODE_ENV: 'test', ...env }) });
    const [first] = await signingKeys(deps({ SECRET: old }));
    const sealedUnderOld = (await database.db.kysely.selectFrom('oidc_signing_keys').select('sealed_jwk').executeTakeFirstOrThrow()).sealed_jwk;

    const rotated = await signingKeys(deps({ SECRET: next, PREVIOUS_SECRETS: old }));
    expect(rotated.map((k) => k.kid)).toEqual([first!.kid]);
    const resealed = (await database.db.kysely.selectFrom('oidc_signing_keys').select('sealed_jwk').executeTakeFirstOrThrow()).sealed_jwk;
    expect(resealed).not.toBe(sealedUnderOld);

    // Without the old SECRET listed the re-sealed key still opens; a key only the removed SECRET sealed does not,
    // and instead of refusing to start, the provider retires it and signs with a new one.
    expect((await signingKeys(deps({ SECRET: next }))).map((k) => k.kid)).toEqual([first!.kid]);
    await database.db.kysely.updateTable('oidc_signing_keys').set({ sealed_jwk: sealedUnderOld }).execute();
    const replaced = await signingKeys(deps({ SECRET: next }));
    expect(replaced).toHaveLength(1);
    expect(replaced[0]!.kid).not.toBe(first!.kid);
    const rows = await database.db.kysely.selectFrom('oidc_signing_keys').select(['kid', 'retired_at']).execute();
    expect(rows.find((row) => row.kid === first!.kid)!.retired_at).not.toBeNull();
  });
});
