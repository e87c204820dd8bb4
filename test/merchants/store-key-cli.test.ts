import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { authenticateStoreKey } from '../../src/merchants/store-keys.js';
import { ManualClock } from '../../src/platform/clock.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';

const run = promisify(execFile);

/** `npm run store-key` from the compiled build: the only way to mint a store key, run against the service's database. */
describe('the store-key command', () => {
  let database: TestDatabase;
  beforeEach(async () => {
    database = await createTestDatabase();
  });
  afterEach(() => database.close());

  async function storeKey(...args: string[]) {
    const env = { ...process.env, DATA_DIR: database.dataDir, DATABASE_URL: database.databaseUrl ?? '', LOG_LEVEL: 'silent' };
    try {
      const { stdout, stderr } = await run(process.execPath, ['dist/cli/store-key.js', ...args], { env });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    }
  }

  it('creates a key shown once and stored hashed, lists it, and revokes it', async () => {
    const deps = { db: database.db.kysely, clock: new ManualClock() };
    const created = await storeKey('create', '--name', 'Main shop');
    expect(created.code).toBe(0);
    const plaintext = /^key: (.+)$/m.exec(created.stdout)?.[1] ?? '';
    expect(plaintext).toMatch(/^csk_[\w-]+\.[\w-]{43}$/);
    expect(created.stderr).toMatch(/shown only this once/);
    const [row] = await deps.db.selectFrom('store_api_keys').selectAll().execute();
    expect(row!.name).toBe('Main shop');
    expect(JSON.stringify(row)).not.toContain(plaintext.split('.')[1]);
    expect(await authenticateStoreKey(deps, plaintext)).toEqual({ id: row!.id, name: 'Main shop' });

    const listed = await storeKey('list');
    expect(listed.stdout).toContain(`${row!.id}\tMain shop\tactive`);
    const listedJson = JSON.parse((await storeKey('list', '--json')).stdout) as Array<Record<string, unknown>>;
    expect(listedJson).toEqual([{ id: row!.id, name: 'Main shop', revokedAt: null, lastUsedAt: new Date(deps.clock.now()).toISOString() }]);

    expect((await storeKey('revoke', `--id=${row!.id}`)).code).toBe(0);
    expect((await storeKey('list')).stdout).toMatch(new RegExp(`${row!.id}\\tMain shop\\trevoked`));
    expect(await authenticateStoreKey(deps, plaintext)).toBeNull();
    const again = await storeKey('revoke', `--id=${row!.id}`);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('No active store key');
  });

  it('refuses a missing or over-long name and unknown commands, writing nothing', async () => {
    expect((await storeKey('create')).code).toBe(2);
    expect((await storeKey('create', '--name', 'x'.repeat(101))).code).toBe(2);
    expect((await storeKey('create', '--nmae', 'Main shop')).code).toBe(2);
    // Ids are base64url and may begin with '-': with '=' such an id is read as the value, never as an option.
    const dashed = await storeKey('revoke', '--id=-not-a-key');
    expect(dashed.code).toBe(1);
    expect(dashed.stderr).toContain('No active store key has the id -not-a-key');
    const unknown = await storeKey('mint');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('Usage');
    expect(await database.db.kysely.selectFrom('store_api_keys').selectAll().execute()).toHaveLength(0);
  });
});
