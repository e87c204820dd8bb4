import { execFile } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { importRow, jsonl } from './import-rows.js';

const run = promisify(execFile);

/** `npm run import` from the compiled build (npm run build first), against the service's database. */
describe('the import command', () => {
  let database: TestDatabase;
  let dir: string;
  beforeEach(async () => {
    database = await createTestDatabase();
    dir = mkdtempSync(join(tmpdir(), 'custos-import-'));
  });
  afterEach(async () => {
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function importCommand(args: string[], options: { env?: Record<string, string>; nodeArgs?: string[] } = {}) {
    const env = { ...process.env, DATA_DIR: database.dataDir, DATABASE_URL: database.databaseUrl ?? '', LOG_LEVEL: 'silent', ...options.env };
    try {
      const { stdout, stderr } = await run(process.execPath, [...(options.nodeArgs ?? []), 'dist/cli/import.js', ...args], { env, maxBuffer: 64 * 1024 * 1024 });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    }
  }

  function file(name: string, text: string): string {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  }

  const count = async (table: 'accounts' | 'identifiers' | 'import_sources' | 'addresses') => (await database.db.kysely.selectFrom(table).select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow()).n;

  it('imports a file, reports each refused row by line, field and reason, and sums up; a re-run adds nothing', async () => {
    const path = file('customers.jsonl', jsonl([
      importRow(1),
      '{"source_id": "wc-2", "emails": [',
      '',
      importRow(3, { loyalty: 1 }),
      importRow(4, { emails: [{ address: 'customer1@import.example', verified: false }] }),
      '[1, 2]',
      importRow(6, { emails: [{ address: 'zoë@bücher.example', verified: true }], name: 'Zoë 山田' }),
    ]));
    const first = await importCommand([path]);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('line 2: invalid: row: This line is not valid JSON.');
    expect(first.stdout).toContain('line 4 (wc-3): invalid: loyalty: This field is not part of the import format.');
    expect(first.stdout).toMatch(/line 5 \(wc-4\): conflict: emails\.0\.address: This email address already belongs to an account/);
    expect(first.stdout).toContain('line 6: invalid: row: Each line must be one JSON object.');
    expect(first.stdout).toContain('rows: 6\nimported: 2\nalready imported: 0\nconflicts: 1\nerrors: 3\n');
    expect(Number(await count('accounts'))).toBe(2);

    const again = await importCommand([path, '--json']);
    expect(again.code).toBe(0);
    const lines = again.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines[0]).toEqual({ line: 2, source_id: null, status: 'invalid', field: '', reason: 'This line is not valid JSON.' });
    expect(lines.at(-1)).toEqual({ summary: { rows: 6, imported: 0, already_imported: 2, conflicts: 1, errors: 3, dry_run: false } });
    expect(Number(await count('accounts'))).toBe(2);
  });

  it('--dry-run checks everything, conflicts included, and writes nothing', async () => {
    const path = file('customers.jsonl', jsonl([importRow(1, { addresses: [{ full_name: 'A', line1: '1 Main St', city: 'Austin', region: 'TX', postal_code: '73301', country: 'US' }] }), importRow(2, { emails: [{ address: 'customer1@import.example', verified: true }] })]));
    const dry = await importCommand([path, '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('Dry run: nothing was written');
    expect(dry.stdout).toContain('imported: 1\nalready imported: 0\nconflicts: 1\n');
    for (const table of ['accounts', 'identifiers', 'import_sources', 'addresses'] as const) expect(Number(await count(table))).toBe(0);
  });

  it('writes the refused rows to --errors as JSON lines, and drops an oversized line without reading it whole', async () => {
    const path = file('customers.jsonl', `${JSON.stringify(importRow(1))}\n{"source_id": "${'x'.repeat(2 * 1024 * 1024)}"}\n${JSON.stringify(importRow(3))}\r\n`);
    const errors = join(dir, 'errors.jsonl');
    const result = await importCommand([path, '--errors', errors]);
    expect(result.code).toBe(0);
    expect(readFileSync(errors, 'utf8')).toBe(`${JSON.stringify({ line: 2, source_id: null, status: 'invalid', field: '', reason: 'This line is too long to be one customer.' })}\n`);
    expect(result.stdout).toContain('imported: 2\n');
  });

  it('exits non-zero only when the run itself fails: no file, bad arguments, database down — never for bad rows', async () => {
    const missing = await importCommand([join(dir, 'nope.jsonl')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('Cannot read');
    expect((await importCommand([])).code).toBe(2);
    expect((await importCommand([join(dir, 'a'), '--bogus'])).code).toBe(2);
    const path = file('bad.jsonl', 'nonsense\n{}\n');
    expect((await importCommand([path])).code).toBe(0);
    const down = await importCommand([path], { env: { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' } });
    expect(down.code).toBe(1);
    expect(down.stderr).toContain('Import stopped');
  });

  it.skipIf(!existsSync('/usr/bin/script'))('draws a progress bar on stderr only when it is a terminal', async () => {
    const path = file('customers.jsonl', jsonl(Array.from({ length: 600 }, (_, n) => importRow(n))));
    const env = { ...process.env, DATA_DIR: database.dataDir, DATABASE_URL: database.databaseUrl ?? '', LOG_LEVEL: 'silent' };
    // util-linux `script` runs the command on a pseudo-terminal, as a person at a shell would.
    const { stdout } = await run('/usr/bin/script', ['-qec', `${process.execPath} dist/cli/import.js ${path}`, '/dev/null'], { env });
    expect(stdout).toMatch(/\[#{20}\] 100% · 600 rows · [\d,]+ rows\/s · 0 refused/);
    expect((await importCommand([path])).stderr).toBe('');
  });

  it('stops before reading when the --errors file cannot be written', async () => {
    const path = file('customers.jsonl', jsonl([importRow(1)]));
    const result = await importCommand([path, '--errors', join(dir, 'no-such-folder', 'errors.jsonl')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Cannot write');
    expect(Number(await count('accounts'))).toBe(0);
  });

  it('streams: 20,000 rows from a file larger than the heap it is given import in constant memory', async () => {
    const path = join(dir, 'many.jsonl');
    const out = createWriteStream(path);
    // Whitespace inside each object is valid JSON and makes every line 5 KB: 100 MB of file for a 64 MB heap.
    const padding = ' '.repeat(5000);
    for (let n = 0; n < 20_000; n++) {
      const line = JSON.stringify(importRow(n, { emails: [{ address: `c${n}@import.example`, verified: n % 2 === 0 }] })).replace(/}$/, `${padding}}`);
      if (!out.write(`${line}\n`)) await once(out, 'drain');
    }
    await new Promise((resolve) => out.end(resolve));
    const result = await importCommand([path, '--json'], { nodeArgs: ['--max-old-space-size=64'] });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout.trim()).summary).toMatchObject({ rows: 20_000, imported: 20_000, errors: 0 });
    expect(Number(await count('accounts'))).toBe(20_000);
  }, 300_000);
});
