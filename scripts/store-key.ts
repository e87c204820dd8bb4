import { loadConfig } from '../src/config.js';
import { systemClock } from '../src/platform/clock.js';
import { migrateToLatest, openDatabase } from '../src/platform/db/connect.js';
import { createStoreKey, listStoreKeys, revokeStoreKey } from '../src/orders/store-keys.js';

/**
 * Store API keys for the shop's back end, managed from the server's shell (there is no web page that can mint
 * one, so a stolen customer or staff session never yields a key):
 *
 *   npm run store-key -- create "Main shop"     prints the key once; only its hash is kept
 *   npm run store-key -- list
 *   npm run store-key -- revoke <id>
 */
const USAGE = 'Usage: npm run store-key -- create "<name>" | list | revoke <id>\n';

async function main(): Promise<number> {
  const [command, argument] = process.argv.slice(2);
  const config = loadConfig();
  const db = openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  const deps = { db: db.kysely, clock: systemClock };
  try {
    await migrateToLatest(db);
    if (command === 'create') {
      const name = (argument ?? '').trim();
      if (!name || name.length > 100) {
        process.stderr.write('Give the key a name of 1 to 100 characters, e.g. "Main shop".\n');
        return 2;
      }
      const { key, plaintext } = await createStoreKey(deps, name);
      process.stdout.write(`${plaintext}\n`);
      process.stderr.write(`Created store key ${key.id} ("${key.name}"). Keep it secret: it is shown only this once.\n`);
      return 0;
    }
    if (command === 'list') {
      for (const key of await listStoreKeys(deps)) {
        const state = key.revokedAt ? `revoked ${new Date(key.revokedAt).toISOString()}` : 'active';
        const used = key.lastUsedAt ? new Date(key.lastUsedAt).toISOString() : 'never';
        process.stdout.write(`${key.id}\t${key.name}\t${state}\tlast used ${used}\n`);
      }
      return 0;
    }
    if (command === 'revoke' && argument) {
      if (await revokeStoreKey(deps, argument)) {
        process.stderr.write(`Revoked store key ${argument}.\n`);
        return 0;
      }
      process.stderr.write(`No active store key has the id ${argument}.\n`);
      return 1;
    }
    process.stderr.write(USAGE);
    return 2;
  } finally {
    await db.close();
  }
}

process.exitCode = await main();
