import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { ManualClock } from '../../src/platform/clock.js';
import { openSecret } from '../../src/platform/secret-box.js';
import { createPartner, revokePartner } from '../../src/partners/partners.js';
import { cryptoRandom } from '../../src/platform/random.js';
import { SECRET_PURPOSE } from '../../src/webhooks/endpoints.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';

const run = promisify(execFile);

/** `npm run webhook` from the compiled build: the only way to register a webhook endpoint. */
describe('the webhook command', () => {
  let database: TestDatabase;
  beforeEach(async () => {
    database = await createTestDatabase();
  });
  afterEach(() => database.close());

  async function webhook(...args: string[]) {
    const env = { ...process.env, DATA_DIR: database.dataDir, DATABASE_URL: database.databaseUrl ?? '', LOG_LEVEL: 'silent' };
    try {
      const { stdout, stderr } = await run(process.execPath, ['dist/cli/webhook.js', ...args], { env });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    }
  }
  const deps = () => ({ db: database.db.kysely, clock: new ManualClock(), random: cryptoRandom });

  it("adds the store's endpoint with its secret printed once and kept sealed, lists it, and removes it", async () => {
    const added = await webhook('add', '--store', '--url', 'https://shop.example/custos-events');
    expect(added.code).toBe(0);
    const id = /^id: (.+)$/m.exec(added.stdout)?.[1] ?? '';
    const secret = /^secret: (.+)$/m.exec(added.stdout)?.[1] ?? '';
    expect(id).toMatch(/^we_[\w-]{22}$/);
    expect(secret).toMatch(/^whsec_[\w-]{43}$/);
    expect(added.stdout.trim().split('\n')).toHaveLength(2);
    expect(added.stderr).toMatch(/shown only this once/);
    const [row] = await database.db.kysely.selectFrom('webhook_endpoints').selectAll().execute();
    expect(row).toMatchObject({ id, partner_id: null, url: 'https://shop.example/custos-events', removed_at: null });
    expect(JSON.stringify(row)).not.toContain(secret.slice('whsec_'.length));
    expect(openSecret(loadConfig({ SECRET: process.env.SECRET }).keys, SECRET_PURPOSE, row!.secret_sealed).plaintext).toBe(secret);

    const listed = await webhook('list');
    expect(listed.stdout).toContain(`${id}\tstore\tactive\thttps://shop.example/custos-events\tdelivered 0, pending 0 (retrying 0), failed 0`);
    expect(listed.stdout).not.toContain(secret);
    const json = JSON.parse((await webhook('list', '--json')).stdout) as Array<Record<string, unknown>>;
    expect(json).toEqual([
      { id, owner: 'store', url: 'https://shop.example/custos-events', created_at: expect.any(String), removed_at: null, deliveries: { delivered: 0, pending: 0, retrying: 0, failed: 0 }, last_error: null },
    ]);

    expect((await webhook('remove', `--id=${id}`)).code).toBe(0);
    expect((await webhook('list')).stdout).toMatch(new RegExp(`^${id}\\tstore\\tremoved `, 'm'));
    const again = await webhook('remove', `--id=${id}`);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('No active webhook endpoint has the id');
  });

  it("adds a partner's endpoint; refuses an unknown or revoked partner and a bad URL, writing nothing", async () => {
    const { partner } = await createPartner(deps(), { name: 'Partner', redirectUris: ['https://partner.example/cb'] });
    const added = await webhook('add', '--partner', partner.id, '--url', 'http://localhost:3001/webhooks');
    expect(added.code).toBe(0);
    expect((await webhook('list')).stdout).toContain(`\t${partner.id}\tactive\thttp://localhost:3001/webhooks\t`);

    const { partner: gone } = await createPartner(deps(), { name: 'Gone', redirectUris: ['https://gone.example/cb'] });
    await revokePartner(deps(), gone.id);
    for (const args of [
      ['--partner', gone.id, '--url', 'https://gone.example/hooks'],
      ['--partner', 'cp_unknown', '--url', 'https://x.example/hooks'],
      ['--store', '--url', 'http://shop.example/hooks'],
      ['--store', '--url', 'https://user:pw@shop.example/hooks'],
      ['--store', '--url', `https://shop.example/${'a'.repeat(500)}`],
    ]) {
      const refused = await webhook('add', ...args);
      expect([args, refused.code]).toEqual([args, 2]);
      expect(refused.stdout).toBe('');
    }
    expect(await database.db.kysely.selectFrom('webhook_endpoints').select('id').execute()).toHaveLength(1);
  });

  it('refuses unknown verbs and options, both or neither owner, and a missing URL or id, with the usage', async () => {
    for (const args of [[], ['mint'], ['add', '--url', 'https://a.example/h'], ['add', '--store', '--partner', 'cp_x', '--url', 'https://a.example/h'], ['add', '--store'], ['remove'], ['list', '--store'], ['add', '--store', '--url', 'https://a.example/h', '--nope'], ['list', 'extra']]) {
      const refused = await webhook(...args);
      expect([args, refused.code]).toEqual([args, 2]);
      expect(refused.stderr).toContain('Usage');
    }
    // Ids are base64url and may begin with '-': with '=' such an id is read as the value, never as an option.
    const dashed = await webhook('remove', '--id=-not-an-id');
    expect(dashed.code).toBe(1);
  });
});
