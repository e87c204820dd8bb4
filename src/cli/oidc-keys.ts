import { parseArgs } from 'node:util';
import { loadConfig } from '../config.js';
import { systemClock } from '../platform/clock.js';
import { cryptoRandom } from '../platform/random.js';
import { migrateToLatest, openDatabase } from '../platform/db/connect.js';
import { iso } from '../platform/format.js';
import { listSigningKeys, rotateSigningKey } from '../partners/oidc/signing-keys.js';

/**
 * The keys "Sign in with" signs ID tokens with (private halves sealed under SECRET; never printed):
 *
 *   npm run oidc-keys -- list [--json]     current and retired keys, and until when a retired one stays published
 *   npm run oidc-keys -- rotate            a new current key; the old one stays published until its tokens expire
 *
 * Restart the service (every instance) after a rotation: each loads its keys at start.
 */
const USAGE = 'Usage: npm run oidc-keys -- list [--json]\n       npm run oidc-keys -- rotate\n';

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ allowPositionals: true, options: { json: { type: 'boolean', default: false } } });
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const [verb, ...rest] = parsed.positionals;
  if ((verb !== 'list' && verb !== 'rotate') || rest.length) {
    process.stderr.write(USAGE);
    return 2;
  }
  const config = loadConfig();
  const db = openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  const deps = { db: db.kysely, clock: systemClock, random: cryptoRandom, config };
  const print = (line: string) => process.stdout.write(`${line}\n`);
  try {
    await migrateToLatest(db);
    if (verb === 'rotate') {
      const kid = await rotateSigningKey(deps);
      print(`kid: ${kid}`);
      process.stderr.write('New signing key added. Restart every instance to sign with it; the old key stays published until its ID tokens expire.\n');
      return 0;
    }
    const keys = await listSigningKeys(deps);
    if (parsed.values.json) {
      print(JSON.stringify(keys.map((k) => ({ kid: k.kid, created_at: iso(k.createdAt), retired_at: k.retiredAt === null ? null : iso(k.retiredAt), published_until: k.publishedUntil === null ? null : iso(k.publishedUntil) }))));
      return 0;
    }
    if (keys.length === 0) print('No signing keys yet: the first is made when the service starts.');
    for (const k of keys) print(`${k.kid}\tcreated ${iso(k.createdAt)}\t${k.retiredAt === null ? 'current' : `retired ${iso(k.retiredAt)}, published until ${iso(k.publishedUntil!)}`}`);
    return 0;
  } finally {
    await db.close();
  }
}

process.exitCode = await main();
