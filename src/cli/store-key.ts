import { parseArgs } from 'node:util';
import { loadConfig } from '../config.js';
import { systemClock } from '../platform/clock.js';
import { cryptoRandom } from '../platform/random.js';
import { migrateToLatest, openDatabase } from '../platform/db/connect.js';
import { iso } from '../platform/format.js';
import { createStoreKey, listStoreKeys, revokeStoreKey } from '../merchants/store-keys.js';

/**
 * Store API keys for the shop's back end, managed from the server's shell (there is no web page that can mint
 * one, so a stolen customer or staff session never yields a key):
 *
 *   npm run store-key -- create --name "Main shop"   prints `key: csk_…` once; only its hash is kept
 *   npm run store-key -- list [--json]
 *   npm run store-key -- revoke --id=<id>      (with '=': an id may begin with '-')
 */
const USAGE = 'Usage: npm run store-key -- create --name "<name>" [--json] | list [--json] | revoke --id=<id>\n';

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ allowPositionals: true, options: { name: { type: 'string' }, id: { type: 'string' }, json: { type: 'boolean', default: false } } });
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const { positionals, values } = parsed;
  const [verb] = positionals;
  if (verb !== 'create' && verb !== 'list' && verb !== 'revoke') {
    process.stderr.write(USAGE);
    return 2;
  }
  const name = (values.name ?? '').trim();
  if (verb === 'create' && (!name || name.length > 100)) {
    process.stderr.write('Give the key a name of 1 to 100 characters, e.g. --name "Main shop".\n');
    return 2;
  }
  if (verb === 'revoke' && !values.id) {
    process.stderr.write(USAGE);
    return 2;
  }
  const config = loadConfig();
  const db = openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  const deps = { db: db.kysely, clock: systemClock, random: cryptoRandom };
  const print = (line: string) => process.stdout.write(`${line}\n`);
  try {
    await migrateToLatest(db);
    if (verb === 'create') {
      const { key, plaintext } = await createStoreKey(deps, name);
      if (values.json) print(JSON.stringify({ id: key.id, name: key.name, key: plaintext }));
      else {
        print(`id: ${key.id}`);
        print(`key: ${plaintext}`);
        process.stderr.write(`Created store key "${key.name}". Keep it secret: it is shown only this once.\n`);
      }
      return 0;
    }
    if (verb === 'list') {
      const keys = await listStoreKeys(deps);
      if (values.json) {
        print(JSON.stringify(keys.map((key) => ({ id: key.id, name: key.name, revokedAt: key.revokedAt === null ? null : iso(key.revokedAt), lastUsedAt: key.lastUsedAt === null ? null : iso(key.lastUsedAt) }))));
        return 0;
      }
      for (const key of keys) {
        const state = key.revokedAt ? `revoked ${iso(key.revokedAt)}` : 'active';
        print(`${key.id}\t${key.name}\t${state}\tlast used ${key.lastUsedAt === null ? 'never' : iso(key.lastUsedAt)}`);
      }
      return 0;
    }
    if (await revokeStoreKey(deps, values.id!)) {
      process.stderr.write(`Revoked store key ${values.id}.\n`);
      return 0;
    }
    process.stderr.write(`No active store key has the id ${values.id}.\n`);
    return 1;
  } finally {
    await db.close();
  }
}

process.exitCode = await main();
