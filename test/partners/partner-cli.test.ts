import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { authenticatePartner } from '../../src/partners/partners.js';
import { subjectFor, accountForSubject } from '../../src/partners/subjects.js';
import { ManualClock } from '../../src/platform/clock.js';
import { cryptoRandom } from '../../src/platform/random.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';

const run = promisify(execFile);

/** `npm run partner` from the compiled build: the only way to register a partner site. */
describe('the partner command', () => {
  let database: TestDatabase;
  beforeEach(async () => {
    database = await createTestDatabase();
  });
  afterEach(() => database.close());

  async function partner(...args: string[]) {
    const env = { ...process.env, DATA_DIR: database.dataDir, DATABASE_URL: database.databaseUrl ?? '', LOG_LEVEL: 'silent' };
    try {
      const { stdout, stderr } = await run(process.execPath, ['dist/cli/partner.js', ...args], { env });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    }
  }

  it('registers a partner whose secret is printed once and stored hashed, lists it, and revokes it', async () => {
    const deps = { db: database.db.kysely, clock: new ManualClock() };
    const created = await partner('create', '--name', 'Example shop', '--redirect-uri', 'https://shop.example/callback', '--redirect-uri', 'http://localhost:3001/cb');
    expect(created.code).toBe(0);
    const clientId = /^client_id: (.+)$/m.exec(created.stdout)?.[1] ?? '';
    const secret = /^client_secret: (.+)$/m.exec(created.stdout)?.[1] ?? '';
    expect(clientId).toMatch(/^cp_[\w-]{22}$/);
    expect(secret).toMatch(/^cps_[\w-]{43}$/);
    expect(created.stderr).toMatch(/shown only this once/);
    const [row] = await deps.db.selectFrom('partners').selectAll().execute();
    expect(JSON.parse(row!.redirect_uris)).toEqual(['https://shop.example/callback', 'http://localhost:3001/cb']);
    expect(JSON.stringify(row)).not.toContain(secret.slice(4));
    expect(await authenticatePartner(deps, clientId, secret)).toMatchObject({ id: clientId, name: 'Example shop' });
    const wrongLast = secret.endsWith('A') ? 'B' : 'A';
    expect(await authenticatePartner(deps, clientId, `${secret.slice(0, -1)}${wrongLast}`)).toBeNull();

    const listed = JSON.parse((await partner('list', '--json')).stdout) as Array<Record<string, unknown>>;
    expect(listed).toEqual([expect.objectContaining({ client_id: clientId, name: 'Example shop', revoked_at: null })]);
    expect(JSON.stringify(listed)).not.toContain(secret);

    expect((await partner('revoke', `--id=${clientId}`)).code).toBe(0);
    expect(await authenticatePartner(deps, clientId, secret)).toBeNull();
    expect((await partner('list')).stdout).toMatch(/\trevoked /);
    expect((await partner('revoke', `--id=${clientId}`)).code).toBe(1);
  });

  it('refuses redirect URIs that are not exact, absolute https (http only on loopback), writing nothing', async () => {
    for (const uri of ['http://shop.example/cb', 'https://shop.example/cb#frag', 'https://user:pw@shop.example/cb', '/callback', 'javascript:alert(1)', `https://shop.example/${'a'.repeat(600)}`]) {
      const refused = await partner('create', '--name', 'Bad', '--redirect-uri', uri);
      expect(refused.code, uri).toBe(2);
      expect(refused.stderr).toMatch(/redirect|https|absolute|fragment/i);
    }
    expect((await partner('create', '--name', 'No uri')).code).toBe(2);
    expect((await partner('create', '--name', '', '--redirect-uri', 'https://shop.example/cb')).code).toBe(2);
    expect((await partner('frobnicate')).code).toBe(2);
    expect(await database.db.kysely.selectFrom('partners').selectAll().execute()).toEqual([]);
  });

  it('gives each partner its own stable pairwise subject for a customer, the same under 20 concurrent first sign-ins', async () => {
    const deps = { db: database.db.kysely, clock: new ManualClock(), random: cryptoRandom };
    const a = /^client_id: (.+)$/m.exec((await partner('create', '--name', 'A', '--redirect-uri', 'https://a.example/cb')).stdout)![1]!;
    const b = /^client_id: (.+)$/m.exec((await partner('create', '--name', 'B', '--redirect-uri', 'https://b.example/cb')).stdout)![1]!;
    const now = deps.clock.now();
    await deps.db
      .insertInto('accounts')
      .values({ id: 'acct-1', name: 'Ada', status: 'active', password_hash: null, password_changed_at: null, webauthn_user_handle: null, created_at: now, updated_at: now })
      .execute();
    const subjects = await Promise.all(Array.from({ length: 20 }, () => subjectFor(deps, a, 'acct-1')));
    expect(new Set(subjects).size).toBe(1);
    const other = await subjectFor(deps, b, 'acct-1');
    expect(other).not.toBe(subjects[0]);
    expect(subjects[0]).not.toContain('acct-1');
    expect(await accountForSubject(deps, a, subjects[0]!)).toBe('acct-1');
    expect(await accountForSubject(deps, b, subjects[0]!)).toBeNull();
  });
});
