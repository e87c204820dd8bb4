import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';

const run = promisify(execFile);

/** `npm run staff` from the compiled build: the shell's way to add the first admin and manage staff. */
describe('the staff command', () => {
  let database: TestDatabase;
  beforeEach(async () => {
    database = await createTestDatabase();
  });
  afterEach(() => database.close());

  async function staff(...args: string[]) {
    const env = { ...process.env, DATA_DIR: database.dataDir, DATABASE_URL: database.databaseUrl ?? '', LOG_LEVEL: 'silent', PUBLIC_URL: 'https://accounts.example' };
    try {
      const { stdout, stderr } = await run(process.execPath, ['dist/cli/staff.js', ...args], { env });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    }
  }

  it('creates a member with a setup link shown once and stored hashed, lists, resets and disables them', async () => {
    const db = database.db.kysely;
    const created = await staff('create', '--email', 'Ada@Support.example', '--name', 'Ada Admin', '--role', 'admin');
    expect(created.code).toBe(0);
    const link = /^setup_link: (.+)$/m.exec(created.stdout)?.[1] ?? '';
    expect(link).toMatch(/^https:\/\/accounts\.example\/support\/setup\?token=[\w-]{43}$/);
    expect(created.stderr).toMatch(/shown only this once/);
    const [row] = await db.selectFrom('staff').selectAll().execute();
    expect(row).toMatchObject({ email: 'ada@support.example', name: 'Ada Admin', role: 'admin', status: 'setup', created_by: null });
    const token = new URL(link).searchParams.get('token')!;
    expect(JSON.stringify(await db.selectFrom('staff_setup_links').selectAll().execute())).not.toContain(token);

    expect((await staff('list')).stdout).toContain(`${row!.id}\tada@support.example\tAda Admin\tadmin\tsetup`);
    const listed = JSON.parse((await staff('list', '--json')).stdout) as Array<Record<string, unknown>>;
    expect(listed).toEqual([expect.objectContaining({ id: row!.id, role: 'admin', status: 'setup' })]);

    const reset = await staff('reset-factors', `--id=${row!.id}`, '--json');
    expect(reset.code).toBe(0);
    const again = JSON.parse(reset.stdout) as { setup_link: string };
    expect(again.setup_link).not.toBe(link);

    expect((await staff('disable', `--id=${row!.id}`)).code).toBe(0);
    expect((await staff('list')).stdout).toMatch(/\tdisabled$/m);
    const audit = (await db.selectFrom('staff_audit').select('type').orderBy('id').execute()).map((r) => r.type);
    expect(audit).toEqual(['staff.created', 'staff.factors_reset', 'staff.disabled']);

    const json = JSON.parse((await staff('create', '--email', 'bo@support.example', '--name', 'Bo', '--role', 'agent', '--json')).stdout) as Record<string, string>;
    expect(json).toMatchObject({ email: 'bo@support.example', role: 'agent' });
    expect(json.setup_link).toMatch(/token=/);
  });

  it('refuses bad input and unknown commands, writing nothing', async () => {
    expect((await staff('create', '--email', 'x@support.example', '--name', 'X', '--role', 'owner')).code).toBe(2);
    expect((await staff('create', '--email', 'not-an-email', '--name', 'X', '--role', 'agent')).code).toBe(2);
    expect((await staff('create', '--emial', 'x@support.example')).code).toBe(2);
    expect((await staff('promote', '--id=x')).code).toBe(2);
    expect((await staff('disable')).code).toBe(2);
    const unknown = await staff('disable', '--id=-not-an-id');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('No staff member');
    expect(await database.db.kysely.selectFrom('staff').select('id').execute()).toEqual([]);
    await staff('create', '--email', 'dup@support.example', '--name', 'Dup', '--role', 'agent');
    const dup = await staff('create', '--email', 'dup@support.example', '--name', 'Dup', '--role', 'agent');
    expect(dup.code).toBe(1);
    expect(dup.stderr).toContain('already has that email');
  });
});
