import { mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensureRegistration, REGISTRATION_FILE, SHOP_CLIENT_NAME, type RegistrationOptions } from '../../src/demo-partner/registration.js';
import { authenticatePartner } from '../../src/partners/partners.js';
import { ManualClock } from '../../src/platform/clock.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';

/**
 * The demo shop registers itself on first run with the store's own `partner` command (the compiled one, on the
 * test's database) and keeps what it printed in DATA_DIR/demo-partner.json, mode 0600; later runs reuse it. The
 * webhook step runs a `webhook.js` placed beside it: here a small script that fails, then prints an id and a
 * secret the way `npm run webhook -- add` does, so both of the shop's paths (give up for now, try again) are seen.
 */
describe('the demo partner registers itself on first run', () => {
  let database: TestDatabase;
  let dataDir: string;
  let cliDir: string;
  const log: string[] = [];

  beforeEach(async () => {
    database = await createTestDatabase();
    dataDir = mkdtempSync(join(tmpdir(), 'demo-partner-data-'));
    cliDir = mkdtempSync(join(tmpdir(), 'demo-partner-cli-'));
    symlinkSync(resolve('dist/cli/partner.js'), join(cliDir, 'partner.js'));
    log.length = 0;
  });
  afterEach(async () => {
    await database.close();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(cliDir, { recursive: true, force: true });
  });

  function webhookCommand(script: string) {
    writeFileSync(join(cliDir, 'webhook.js'), script);
  }

  function options(overrides: Partial<RegistrationOptions> = {}): RegistrationOptions {
    return {
      dataDir,
      custosUrl: 'http://localhost:3000',
      redirectUri: 'http://localhost:3001/callback',
      webhookUrl: 'http://localhost:3001/webhooks',
      cliDir,
      env: { ...process.env, DATA_DIR: database.dataDir, DATABASE_URL: database.databaseUrl ?? '', LOG_LEVEL: 'silent' },
      log: (line) => log.push(line),
      ...overrides,
    };
  }

  it('registers a client through the partner command, keeps its secret in a 0600 file, and reuses it on the next start', async () => {
    webhookCommand(`process.stderr.write('No active partner has that client id.\\nmore detail\\n'); process.exit(1);`);
    const first = await ensureRegistration(options());
    expect(first.client_id).toMatch(/^cp_/);
    expect(first.webhook).toBeUndefined();
    expect(log).toEqual([
      `Registered "${SHOP_CLIENT_NAME}" with Custos as ${first.client_id}.`,
      'Could not add the webhook endpoint (webhook add: No active partner has that client id.); the next start tries again.',
    ]);
    const file = join(dataDir, REGISTRATION_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const deps = { db: database.db.kysely, clock: new ManualClock() };
    expect(await authenticatePartner(deps, first.client_id, first.client_secret)).toMatchObject({ name: SHOP_CLIENT_NAME, redirectUris: ['http://localhost:3001/callback'] });

    webhookCommand(
      `const a = process.argv.slice(2);
       if (a.join(' ') !== 'add --partner ${first.client_id} --url http://localhost:3001/webhooks') { process.stderr.write('unexpected ' + a.join(' ')); process.exit(2); }
       console.log('id: we_demo'); console.log('secret: whsec_demo-secret');`,
    );
    const second = await ensureRegistration(options());
    expect(second).toMatchObject({ client_id: first.client_id, client_secret: first.client_secret, webhook: { id: 'we_demo', secret: 'whsec_demo-secret' } });
    expect(await database.db.kysely.selectFrom('partners').select('id').execute()).toHaveLength(1);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(second);
    expect(statSync(file).mode & 0o777).toBe(0o600);

    webhookCommand(`process.exit(3);`);
    const third = await ensureRegistration(options());
    expect(third).toEqual(second);
  });

  it('registers again when the shop moves to another address (its redirect URI would no longer match)', async () => {
    webhookCommand(`console.log('id: we_a'); console.log('secret: whsec_a');`);
    const before = await ensureRegistration(options());
    const after = await ensureRegistration(options({ redirectUri: 'http://localhost:4001/callback', webhookUrl: 'http://localhost:4001/webhooks' }));
    expect(after.client_id).not.toBe(before.client_id);
    expect(after.redirect_uri).toBe('http://localhost:4001/callback');
    expect(after.webhook?.url).toBe('http://localhost:4001/webhooks');
  });

  it('a partner command that fails stops the start with its message, and leaves no file behind', async () => {
    await expect(ensureRegistration(options({ redirectUri: 'ftp://localhost/callback' }))).rejects.toThrow(/^partner create: .*https/);
    expect(() => statSync(join(dataDir, REGISTRATION_FILE))).toThrow();
  });
});
