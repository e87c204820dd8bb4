import { parseArgs } from 'node:util';
import { loadConfig } from '../config.js';
import { DAY } from '../platform/clock.js';
import { newId } from '../platform/crypto.js';
import { migrateToLatest, openDatabase, type Db } from '../platform/db/connect.js';
import { hashPassword } from '../passwords/hashing.js';
import { bulkInsert, type ColumnType } from './bulk-insert.js';
import { existingSeedOrders, seedShop } from './seed-shop.js';

/**
 * Seeds synthetic accounts (with a verified email each), login activity, and a shop's worth of addresses, cards
 * and orders (seed-shop.ts), fast: bulk inserts in batches of 20,000 rows (see bulk-insert.ts), one password hash
 * shared by every seeded account. Seeded addresses are seed<N>@example.test and their password is SEED_PASSWORD.
 * Never run by `npm start`.
 *
 *   npm run seed -- --accounts 1000000 --orders 10000000 --activity 5000000
 *
 * With --accounts 0, orders go to the accounts already in the database.
 */
export const SEED_PASSWORD = 'seeded account password for load tests';
const BATCH = 20_000;
const ACCOUNT_COLUMNS: Array<[string, ColumnType]> = [
  ['id', 'text'], ['name', 'text'], ['status', 'text'], ['password_hash', 'text'], ['password_changed_at', 'bigint'], ['created_at', 'bigint'], ['updated_at', 'bigint'],
];
const IDENTIFIER_COLUMNS: Array<[string, ColumnType]> = [
  ['id', 'text'], ['account_id', 'text'], ['kind', 'text'], ['value', 'text'], ['normalized', 'text'], ['is_primary', 'integer'], ['verified_at', 'bigint'], ['created_at', 'bigint'],
];
const EVENT_COLUMNS: Array<[string, ColumnType]> = [
  ['id', 'text'], ['account_id', 'text'], ['type', 'text'], ['ip', 'text'], ['user_agent', 'text'], ['detail', 'text'], ['created_at', 'bigint'], ['device', 'text'], ['place', 'text'],
];
const EVENT_TYPES = ['signin.succeeded', 'signin.failed', 'signout', 'stepup.succeeded', 'signin.succeeded'] as const;
const DEVICES = ['Chrome on Windows 10', 'Safari on iOS 18', 'Firefox on Linux', 'Chrome on Android 15', 'Edge on Windows 11'];
const PLACES = ['United States', 'United Kingdom', 'Germany', 'Local network', 'France'];

/** Progress counts accounts, activity rows and orders; the rate counts every row written (items, addresses…). */
export interface SeedProgress {
  done: number;
  total: number;
  rows: number;
  rowsPerSecond: number;
}

export async function seed(
  db: Db,
  options: { accounts: number; activity: number; orders?: number; now: number; onProgress?: (p: SeedProgress) => void },
): Promise<{ rows: number; seconds: number }> {
  const passwordHash = await hashPassword(SEED_PASSWORD);
  const started = performance.now();
  const orders = options.orders ?? 0;
  const total = options.accounts * 2 + options.activity + orders;
  let done = 0;
  let rows = 0;
  const report = () => {
    const seconds = (performance.now() - started) / 1000;
    options.onProgress?.({ done, total, rows, rowsPerSecond: rows / Math.max(seconds, 0.001) });
  };
  const offset = await existingSeedCount(db);
  const accountIds: string[] = [];

  for (let from = 0; from < options.accounts; from += BATCH) {
    const to = Math.min(options.accounts, from + BATCH);
    const accounts: unknown[][] = [];
    const identifiers: unknown[][] = [];
    for (let i = from; i < to; i++) {
      const id = newId();
      const created = options.now - ((i * 7919) % 700) * DAY;
      const email = `seed${offset + i}@example.test`;
      accountIds.push(id);
      accounts.push([id, `Seeded Customer ${offset + i}`, 'active', passwordHash, created, created, created]);
      identifiers.push([newId(), id, 'email', email, email, 1, created, created]);
    }
    await bulkInsert(db, 'accounts', ACCOUNT_COLUMNS, accounts);
    await bulkInsert(db, 'identifiers', IDENTIFIER_COLUMNS, identifiers);
    done += accounts.length * 2;
    rows += accounts.length * 2;
    report();
  }

  for (let from = 0; from < options.activity; from += BATCH) {
    const to = Math.min(options.activity, from + BATCH);
    const events: unknown[][] = [];
    for (let i = from; i < to; i++) {
      const type = EVENT_TYPES[i % EVENT_TYPES.length]!;
      events.push([
        newId(),
        accountIds.length ? accountIds[(i * 104729) % accountIds.length]! : null,
        type,
        `198.51.100.${i % 250}`,
        'seeded',
        type === 'signin.failed' ? '{"method":"password","reason":"wrong_password"}' : '{"method":"password"}',
        options.now - ((i * 31) % (300 * 24 * 60)) * 60_000,
        DEVICES[i % DEVICES.length]!,
        PLACES[i % PLACES.length]!,
      ]);
    }
    await bulkInsert(db, 'audit_events', EVENT_COLUMNS, events);
    done += events.length;
    rows += events.length;
    report();
  }

  if (orders > 0) {
    const withWallet = accountIds.length > 0;
    const owners = withWallet ? accountIds : (await db.kysely.selectFrom('accounts').select('id').execute()).map((a) => a.id);
    if (owners.length === 0) throw new Error('There are no accounts to give orders to: seed some with --accounts.');
    const before = rows;
    const shop = await seedShop(db, {
      accountIds: owners,
      orders,
      now: options.now,
      firstOrder: await existingSeedOrders(db),
      withWallet,
      onOrders: (ordersDone, shopRows) => {
        done = options.accounts * 2 + options.activity + ordersDone;
        rows = before + shopRows;
        report();
      },
    });
    rows = before + shop.addresses + shop.cards + shop.orders + shop.items;
  }
  return { rows, seconds: (performance.now() - started) / 1000 };
}

async function existingSeedCount(db: Db): Promise<number> {
  const row = await db.kysely
    .selectFrom('identifiers')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('normalized', 'like', 'seed%@example.test')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export function progressBar(p: SeedProgress): string {
  const width = 30;
  const filled = Math.round((p.done / Math.max(p.total, 1)) * width);
  const percent = ((p.done / Math.max(p.total, 1)) * 100).toFixed(0).padStart(3);
  return `\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${percent}% ${p.rows.toLocaleString('en')} rows, ${Math.round(p.rowsPerSecond).toLocaleString('en')} rows/s `;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { accounts: { type: 'string', default: '1000' }, activity: { type: 'string', default: '5000' }, orders: { type: 'string', default: '10000' } },
  });
  const [accounts, activity, orders] = [values.accounts, values.activity, values.orders].map(Number) as [number, number, number];
  if (![accounts, activity, orders].every((n) => Number.isInteger(n) && n >= 0)) {
    process.stderr.write('Usage: npm run seed -- --accounts N --orders M --activity K (whole numbers)\n');
    process.exit(2);
  }
  const config = loadConfig();
  const db = openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  await migrateToLatest(db);
  const result = await seed(db, { accounts, activity, orders, now: Date.now(), onProgress: (p) => process.stderr.write(progressBar(p)) });
  process.stderr.write(`\nSeeded ${result.rows.toLocaleString('en')} rows in ${result.seconds.toFixed(1)} s (${Math.round(result.rows / result.seconds).toLocaleString('en')} rows/s). Password: "${SEED_PASSWORD}"\n`);
  await db.close();
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
