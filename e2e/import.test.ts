import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { skipWithoutChromium, useBrowserRig } from './helpers/browser-rig.js';
import { screenshot } from './helpers/chromium.js';
import { LEGACY_HASH_VECTORS } from '../test/helpers/legacy-hash-vectors.js';

/**
 * Customers brought from another platform, in a real browser: a file with one customer per legacy hash format is
 * imported with `npm run import` (the compiled command, on the service's database), then each customer signs in
 * through the pages with the password their old shop knew, and what is stored afterwards is argon2id.
 */
const skip = skipWithoutChromium('the browser import test');
const run = promisify(execFile);

describe.skipIf(skip)('imported customers sign in in a real browser', () => {
  const rig = useBrowserRig();

  it('imports one customer per hash format, and each signs in with their old password', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'custos-e2e-import-'));
    try {
      const file = join(dir, 'customers.jsonl');
      const rows = LEGACY_HASH_VECTORS.map((vector, n) => ({
        source_id: `legacy-${n}`,
        name: `Imported ${vector.name}`,
        emails: [{ address: `${vector.name}@import.example`, verified: true }],
        password_hash: vector.hash,
        password_format: vector.format,
        password_params: vector.params,
        created_at: '2019-04-01T12:00:00Z',
      }));
      writeFileSync(file, rows.map((row) => JSON.stringify(row)).join('\n') + '\n');
      const env = { ...process.env, DATA_DIR: rig.live.database.dataDir, DATABASE_URL: rig.live.database.databaseUrl ?? '', LOG_LEVEL: 'silent' };
      const { stdout } = await run(process.execPath, ['dist/cli/import.js', file, '--json'], { env });
      expect(JSON.parse(stdout.trim().split('\n').at(-1)!).summary).toMatchObject({ rows: rows.length, imported: rows.length, errors: 0, conflicts: 0 });

      for (const vector of LEGACY_HASH_VECTORS) {
        const email = `${vector.name}@import.example`;
        const { context, page } = await rig.newPage();
        await page.goto('/signin');
        await page.getByLabel('Email or mobile phone number').fill(email);
        await page.getByRole('button', { name: 'Continue' }).click();
        await page.getByLabel('Password', { exact: true }).fill(vector.password);
        if (vector === LEGACY_HASH_VECTORS[0]) await screenshot(page, 'import-01-imported-customer-signs-in');
        await page.getByRole('button', { name: 'Sign in' }).click();
        await rig.heading(page, 'Your Account');
        await context.close();

        const stored = await rig.live.app.deps.db
          .selectFrom('accounts')
          .innerJoin('identifiers', 'identifiers.account_id', 'accounts.id')
          .select('accounts.password_hash')
          .where('identifiers.normalized', '=', email)
          .executeTakeFirstOrThrow();
        expect(stored.password_hash, vector.name).toMatch(/^\$argon2id\$/);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
