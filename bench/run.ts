import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { migrateToLatest, openDatabase, type Db } from '../src/platform/db/connect.js';
import { progressBar, seed } from '../src/cli/seed.js';
import { loadGet, loadSignins, type LoadResult } from './load.js';
import { argon2VerifyRate, queriesPerSessionCheck } from './measure.js';
import { startServer, type RunningServer } from './server.js';
import { HASH_CONCURRENCY } from '../src/passwords/hash-limiter.js';
import { createBenchAccount } from './account.js';
import { bareTotpChecksPerSecond, loadSecondStep, prepareSecondStep } from './second-step.js';
import { loadOrderPages, prepareOrderBench, type OrderPagesResult } from './orders.js';
import { enumerationTable, measureEnumeration } from './enumeration.js';
import { loadOidcSignins } from './oidc.js';
import { legacyHashTable, measureLegacyHashes } from './legacy-hashes.js';
import { measureImport, type ImportMeasure } from './import.js';

/**
 * `npm run bench`: one run, real server processes, real HTTP load (autocannon). Every figure is reported next to
 * a baseline measured in the same run, because this machine is shared and noisy. `--quick` shrinks durations
 * and the seeded scale for a smoke run; `--orders-only` measures just the order pages at both sizes;
 * `--enumeration` measures only known vs unknown identifier timings on an empty database; `--import` measures only
 * `npm run import` (1,000,000 rows, `--import-rows N` and `--import-hashed N` to change the sizes). With
 * DATABASE_URL set, PostgreSQL is measured too (in a fresh database created from that URL and dropped afterwards).
 */
const quick = process.argv.includes('--quick');
const ordersOnly = process.argv.includes('--orders-only');
const enumerationOnly = process.argv.includes('--enumeration');
/** `--legacy-hashes`: only what verifying an imported legacy hash adds to a sign-in, per format (no database). */
const legacyHashesOnly = process.argv.includes('--legacy-hashes');
const importOnly = process.argv.includes('--import');
/** Customers imported per engine: plain rows, then rows with a legacy hash each (argon2id wrapping), apart. */
const IMPORT_ROWS = { plain: Number(argValue('--import-rows') ?? (quick ? 20_000 : 1_000_000)), hashed: Number(argValue('--import-hashed') ?? (quick ? 300 : 3_000)) };
const SECONDS = quick ? { signin: 4, get: 3 } : { signin: 10, get: 6 };
/** Waiting second-step flows: more than the run can use up, since each is good for one request. */
const SECOND_STEP_FLOWS = quick ? 3_000 : 12_000;
const SCALE = quick
  ? { accounts: 20_000, activity: ordersOnly ? 0 : 100_000, orders: 200_000 }
  : { accounts: 1_000_000, activity: ordersOnly ? 0 : 5_000_000, orders: 10_000_000 };
const CONNECTIONS = { signin: 8, get: 16, underLoad: 4 };

interface IdleResult {
  argon2VerifyPerSecond: number;
  signin: LoadResult;
  /** Full "Sign in with" flows (authorize → our page → code → token), returning customer, consent remembered. */
  oidcSignin: LoadResult;
  bareTotpPerSecond: number;
  secondStep: LoadResult;
  hello: LoadResult;
  session: LoadResult;
  sessionUnderSignins: LoadResult;
  activity: LoadResult;
  queriesPerSessionCheck: number;
  peakRssMb: number;
}

interface EngineResult {
  engine: string;
  /** Absent with --orders-only. */
  idle?: IdleResult;
  orders: OrderPagesResult;
  scale: {
    accounts: number;
    activityRows: number;
    orderRows: number;
    seedRowsPerSecond: number;
    seedSeconds: number;
    databaseMb: number;
    session: LoadResult;
    activity: LoadResult;
    orderPages: OrderPagesResult;
  };
}

interface BenchDatabase {
  db: Db;
  dataDir: string;
  databaseUrl: string | undefined;
  /** For the server process: an empty DATABASE_URL means SQLite, even when the bench was given one for PostgreSQL. */
  env: Record<string, string>;
  drop(): Promise<void>;
}

/** A fresh, migrated database for one engine: a temporary folder for SQLite, a new database for PostgreSQL. */
async function createBenchDatabase(engine: 'SQLite' | 'PostgreSQL', adminUrl: string | undefined, label: string): Promise<BenchDatabase> {
  const dataDir = mkdtempSync(join(tmpdir(), `custos-bench-${label}-`));
  let databaseUrl: string | undefined;
  let dropPostgres = async () => {};
  if (engine === 'PostgreSQL') {
    const name = `custos_bench_${label}_${process.pid}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = new URL(adminUrl!);
    url.pathname = `/${name}`;
    databaseUrl = url.toString();
    dropPostgres = async () => {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    };
  }
  const db = openDatabase({ dataDir, databaseUrl });
  await migrateToLatest(db);
  return {
    db,
    dataDir,
    databaseUrl,
    env: { DATABASE_URL: databaseUrl ?? '', DATA_DIR: dataDir },
    drop: async () => {
      await db.close();
      await dropPostgres();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function benchEngine(engine: 'SQLite' | 'PostgreSQL', adminUrl?: string): Promise<EngineResult> {
  const main = await createBenchDatabase(engine, adminUrl, 'main');
  const { db, dataDir, databaseUrl, env } = main;
  let small: BenchDatabase | undefined;
  let smallServer: RunningServer | undefined;
  let server: RunningServer | undefined;
  try {
    log(`${engine}: starting the server`);
    server = await startServer(env);
    const url = server.url;
    const account = await createBenchAccount(url, db);
    const auth = { authorization: `Bearer ${account.token}` };
    const orderId = await prepareOrderBench(db, account.identifier, Date.now());
    const idle = ordersOnly ? undefined : await measureIdle(engine, server, db, account);
    await server.stop();
    const queries = idle ? await queriesPerSessionCheck({ dataDir, databaseUrl }, account.token) : 0;
    if (idle) idle.queriesPerSessionCheck = queries;

    log(`${engine}: seeding ${f0(SCALE.accounts)} accounts, ${f0(SCALE.orders)} orders and ${f0(SCALE.activity)} activity rows`);
    const seeded = await seed(db, { ...SCALE, now: Date.now(), onProgress: (p) => process.stderr.write(progressBar(p)) });
    process.stderr.write('\n');
    if ('pool' in db.raw) await db.raw.pool.query('VACUUM ANALYZE');
    else db.raw.sqlite.exec('ANALYZE; PRAGMA wal_checkpoint(TRUNCATE);');
    // Seeding leaves gigabytes of dirty pages for the kernel to write back; measured during that write-back, the
    // at-scale figures would carry the disk's catching up rather than the cost of the bigger database.
    execFileSync('sync');
    const databaseMb = await databaseSize(db, dataDir);
    server = await startServer(env);
    // The same ten orders in a database that holds nothing else, served side by side with the big one.
    small = await createBenchDatabase(engine, adminUrl, 'small');
    smallServer = await startServer(small.env);
    const smallAccount = await createBenchAccount(smallServer.url, small.db);
    const smallOrderId = await prepareOrderBench(small.db, smallAccount.identifier, Date.now());
    log(`${engine}: order pages with 10 and with ${f0(SCALE.orders)} orders in the database, in alternating rounds`);
    const { orders, ordersScale } = await compareOrderPages(
      { url: smallServer.url, orderId: smallOrderId, headers: { authorization: `Bearer ${smallAccount.token}` } },
      { url: server.url, orderId, headers: auth },
    );
    await smallServer.stop();
    let sessionScale: LoadResult = NOT_MEASURED;
    let activityScale: LoadResult = NOT_MEASURED;
    if (!ordersOnly) {
      await loadGet(server.url, { path: '/api/v1/session', connections: CONNECTIONS.get, seconds: 3, headers: auth });
      await loadGet(server.url, { path: '/api/v1/activity', connections: CONNECTIONS.get, seconds: 3, headers: auth });
      sessionScale = await loadGet(server.url, { path: '/api/v1/session', connections: CONNECTIONS.get, seconds: SECONDS.get, headers: auth });
      activityScale = await loadGet(server.url, { path: '/api/v1/activity', connections: CONNECTIONS.get, seconds: SECONDS.get, headers: auth });
    }
    await server.stop();
    return {
      engine,
      idle,
      orders,
      scale: {
        accounts: SCALE.accounts,
        activityRows: SCALE.activity,
        orderRows: SCALE.orders,
        seedRowsPerSecond: seeded.rows / seeded.seconds,
        seedSeconds: seeded.seconds,
        databaseMb,
        session: sessionScale,
        activity: activityScale,
        orderPages: ordersScale,
      },
    };
  } finally {
    for (const running of [server, smallServer]) if (running && running.process.exitCode === null) await running.stop();
    await main.drop();
    await small?.drop();
  }
}

const ROUNDS = quick ? 2 : 3;

/**
 * Both sizes are measured in turns (small, big, small, big…) and each figure is the median of its rounds: the
 * machine's noise — another process, the load generator on the same cores — then falls on both sides alike
 * instead of on whichever phase it happened to coincide with.
 */
async function compareOrderPages(
  small: { url: string; orderId: string; headers: Record<string, string> },
  big: { url: string; orderId: string; headers: Record<string, string> },
): Promise<{ orders: OrderPagesResult; ordersScale: OrderPagesResult }> {
  const load = (side: typeof small) => loadOrderPages(side.url, { orderId: side.orderId, headers: side.headers, connections: CONNECTIONS.get, seconds: SECONDS.get });
  // Warm both processes (JIT, caches) before anything counts.
  await load(small);
  await load(big);
  const rounds: Array<{ small: OrderPagesResult; big: OrderPagesResult }> = [];
  for (let round = 0; round < ROUNDS; round++) rounds.push({ small: await load(small), big: await load(big) });
  const median = (pick: (r: (typeof rounds)[number]) => LoadResult): LoadResult => {
    const runs = rounds.map(pick);
    const middle = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    return {
      perSecond: middle(runs.map((r) => r.perSecond)),
      p50: middle(runs.map((r) => r.p50)),
      p99: middle(runs.map((r) => r.p99)),
      errors: runs.reduce((sum, r) => sum + r.errors, 0),
    };
  };
  return {
    orders: { history: median((r) => r.small.history), detail: median((r) => r.small.detail) },
    ordersScale: { history: median((r) => r.big.history), detail: median((r) => r.big.detail) },
  };
}

const NOT_MEASURED: LoadResult = { perSecond: 0, p50: 0, p99: 0, errors: 0 };

/** Sign-in, second step, session check and activity page on a small database, each beside its baseline. */
async function measureIdle(engine: string, server: RunningServer, db: Db, account: Awaited<ReturnType<typeof createBenchAccount>>): Promise<IdleResult> {
  const url = server.url;
  const auth = { authorization: `Bearer ${account.token}` };
  log(`${engine}: bare argon2id verify rate`);
  const argon2VerifyPerSecond = await argon2VerifyRate(HASH_CONCURRENCY, SECONDS.signin);
  log(`${engine}: sign-ins through HTTP`);
  const signinLoad = () => loadSignins(url, { ...account, connections: CONNECTIONS.signin, seconds: SECONDS.signin });
  const signin = await signinLoad();
  log(`${engine}: full OpenID Connect sign-ins through HTTP`);
  const oidcSignin = await loadOidcSignins(url, db, { sessionToken: account.token, connections: CONNECTIONS.signin, seconds: SECONDS.signin });
  log(`${engine}: the second step (authenticator code) through HTTP`);
  const fixture = await prepareSecondStep(db, SECOND_STEP_FLOWS, account.deviceCookie);
  const bareTotpPerSecond = bareTotpChecksPerSecond(3);
  const secondStep = await loadSecondStep(url, fixture, { connections: CONNECTIONS.signin, seconds: SECONDS.get, deviceCookie: account.deviceCookie });
  log(`${engine}: hello-world and session check`);
  const hello = await loadGet(url, { path: '/livez', connections: CONNECTIONS.get, seconds: SECONDS.get });
  const session = await loadGet(url, { path: '/api/v1/session', connections: CONNECTIONS.get, seconds: SECONDS.get, headers: auth });
  const activity = await loadGet(url, { path: '/api/v1/activity', connections: CONNECTIONS.get, seconds: SECONDS.get, headers: auth });
  log(`${engine}: session check while sign-ins saturate the CPU`);
  const [, sessionUnderSignins] = await Promise.all([
    signinLoad(),
    loadGet(url, { path: '/api/v1/session', connections: CONNECTIONS.underLoad, seconds: SECONDS.signin, headers: auth }),
  ]);
  return {
    argon2VerifyPerSecond,
    signin,
    oidcSignin,
    bareTotpPerSecond,
    secondStep,
    hello,
    session,
    sessionUnderSignins,
    activity,
    queriesPerSessionCheck: 0,
    peakRssMb: server.peakRssMb(),
  };
}

async function databaseSize(db: Db, dataDir: string): Promise<number> {
  if ('pool' in db.raw) {
    const result = await db.raw.pool.query<{ size: string }>('SELECT pg_database_size(current_database())::text AS size');
    return Math.round(Number(result.rows[0]!.size) / 1024 / 1024);
  }
  const file = join(dataDir, 'custos.sqlite');
  const wal = `${file}-wal`;
  return Math.round((statSync(file).size + (existsSync(wal) ? statSync(wal).size : 0)) / 1024 / 1024);
}

function log(message: string): void {
  process.stderr.write(`· ${message}\n`);
}

const ratio = (a: number, b: number) => (b > 0 ? a / b : 0);
const f0 = (n: number) => Math.round(n).toLocaleString('en');
const f2 = (n: number) => n.toFixed(2);

function table(results: EngineResult[]): string {
  const rows: string[] = ['| measure | ' + results.map((r) => r.engine).join(' | ') + ' | goal |', '|---|' + results.map(() => '---|').join('') + '---|'];
  const add = (name: string, goal: string, cell: (r: EngineResult) => string) => rows.push(`| ${name} | ${results.map(cell).join(' | ')} | ${goal} |`);
  const idle = (cell: (r: IdleResult) => string) => (r: EngineResult) => (r.idle ? cell(r.idle) : '–');
  if (results.some((r) => r.idle)) {
    add(`bare argon2id verifies/s, ${HASH_CONCURRENCY} at a time like the service (baseline)`, '', idle((r) => f0(r.argon2VerifyPerSecond)));
    add('password sign-ins/s through HTTP', '', idle((r) => f0(r.signin.perSecond)));
    add('**sign-in ratio** (sign-ins ÷ bare verifies)', '≥ 0.90', idle((r) => `**${f2(ratio(r.signin.perSecond, r.argon2VerifyPerSecond))}**`));
    add('sign-in step p50 / p99 ms', '', idle((r) => `${r.signin.p50} / ${r.signin.p99}`));
    add('full OIDC sign-ins/s through HTTP (authorize → page → code → token)', 'reported', idle((r) => f0(r.oidcSignin.perSecond)));
    add('OIDC sign-in p50 / p99 ms (whole flow)', '', idle((r) => `${r.oidcSignin.p50} / ${r.oidcSignin.p99}`));
    add('bare TOTP code checks/s, one core (baseline)', '', idle((r) => f0(r.bareTotpPerSecond)));
    add('second steps (TOTP) completed/s through HTTP', '', idle((r) => f0(r.secondStep.perSecond)));
    add('**second-step ratio** (÷ bare code check)', 'reported', idle((r) => `**${ratio(r.secondStep.perSecond, r.bareTotpPerSecond).toFixed(4)}**`));
    add('second step p50 / p99 ms', '', idle((r) => `${r.secondStep.p50} / ${r.secondStep.p99}`));
    add('hello-world req/s (baseline)', '', idle((r) => f0(r.hello.perSecond)));
    add('session check req/s', '', idle((r) => f0(r.session.perSecond)));
    add('**session-check ratio** (÷ hello-world)', '≥ 0.60 (SQLite)', idle((r) => `**${f2(ratio(r.session.perSecond, r.hello.perSecond))}**`));
    add('session check p50 / p99 ms, idle', '', idle((r) => `${r.session.p50} / ${r.session.p99}`));
    add('session check p99 ms while sign-ins saturate', '≤ 2× idle', idle((r) => `${r.sessionUnderSignins.p99} (${f2(ratio(r.sessionUnderSignins.p99, r.session.p99))}×)`));
    add('database queries per session check', '1', idle((r) => f2(r.queriesPerSessionCheck)));
    add('activity page req/s, p99 ms', '', idle((r) => `${f0(r.activity.perSecond)}, ${r.activity.p99}`));
    add('peak RSS of the server, MB', '', idle((r) => f0(r.peakRssMb)));
  }
  add('order history page req/s, p99 ms — 10 orders in the database', '', (r) => `${f0(r.orders.history.perSecond)}, ${r.orders.history.p99}`);
  add('order detail page req/s, p99 ms — 10 orders in the database', '', (r) => `${f0(r.orders.detail.perSecond)}, ${r.orders.detail.p99}`);
  add('seeded accounts / orders / activity rows', '', (r) => `${f0(r.scale.accounts)} / ${f0(r.scale.orderRows)} / ${f0(r.scale.activityRows)}`);
  add('seeding rows/s (minutes)', '', (r) => `${f0(r.scale.seedRowsPerSecond)} (${(r.scale.seedSeconds / 60).toFixed(1)})`);
  add('database size after seeding, MB', '', (r) => f0(r.scale.databaseMb));
  add(`order history page req/s, p99 ms — ${f0(SCALE.orders)} orders`, '', (r) => `${f0(r.scale.orderPages.history.perSecond)}, ${r.scale.orderPages.history.p99}`);
  add(`order detail page req/s, p99 ms — ${f0(SCALE.orders)} orders`, '', (r) => `${f0(r.scale.orderPages.detail.perSecond)}, ${r.scale.orderPages.detail.p99}`);
  const scaleRatio = (pick: (o: OrderPagesResult) => LoadResult) => (r: EngineResult) => `**${f2(ratio(pick(r.scale.orderPages).perSecond, pick(r.orders).perSecond))}**`;
  add('**order history ratio** (at scale ÷ 10 orders)', '≥ 0.90', scaleRatio((o) => o.history));
  add('**order detail ratio** (at scale ÷ 10 orders)', '≥ 0.90', scaleRatio((o) => o.detail));
  if (results.some((r) => r.idle)) {
    add('session check req/s at scale (÷ idle)', 'within 20%', (r) => (r.idle ? `${f0(r.scale.session.perSecond)} (${f2(ratio(r.scale.session.perSecond, r.idle.session.perSecond))})` : '–'));
    add('activity page req/s at scale (÷ idle)', 'within 20%', (r) => (r.idle ? `${f0(r.scale.activity.perSecond)} (${f2(ratio(r.scale.activity.perSecond, r.idle.activity.perSecond))})` : '–'));
  }
  const loads = (r: EngineResult) => [
    r.orders.history, r.orders.detail, r.scale.orderPages.history, r.scale.orderPages.detail, r.scale.session, r.scale.activity,
    ...(r.idle ? [r.idle.signin, r.idle.oidcSignin, r.idle.secondStep, r.idle.hello, r.idle.session, r.idle.activity] : []),
  ];
  add('errors (non-2xx, timeouts)', '0', (r) => f0(loads(r).reduce((sum, l) => sum + l.errors, 0)));
  return rows.join('\n');
}

if (legacyHashesOnly) {
  process.stdout.write(`${legacyHashTable(await measureLegacyHashes(quick ? 3 : 9))}\n`);
  process.exit(0);
}

if (enumerationOnly) {
  const engines: Array<['SQLite' | 'PostgreSQL', string | undefined]> = [['SQLite', undefined]];
  if (process.env.DATABASE_URL) engines.push(['PostgreSQL', process.env.DATABASE_URL]);
  for (const [engine, adminUrl] of engines) {
    const bench = await createBenchDatabase(engine, adminUrl, 'enumeration');
    try {
      process.stdout.write(`${enumerationTable(engine, await measureEnumeration(bench.env, bench.db))}\n`);
    } finally {
      await bench.drop();
    }
  }
  process.exit(0);
}

async function importBench(): Promise<string> {
  const lines = ['| import (`npm run import`, own process) | rows | file MB | seconds | rows/s | peak RSS MB | refused |', '|---|---|---|---|---|---|---|'];
  const engines: Array<['SQLite' | 'PostgreSQL', string | undefined]> = [['SQLite', undefined]];
  if (process.env.DATABASE_URL) engines.push(['PostgreSQL', process.env.DATABASE_URL]);
  for (const [engine, adminUrl] of engines) {
    const bench = await createBenchDatabase(engine, adminUrl, 'import');
    try {
      log(`${engine}: importing ${f0(IMPORT_ROWS.plain)} customers, then ${f0(IMPORT_ROWS.hashed)} with legacy hashes`);
      const plain = await measureImport(bench.env, IMPORT_ROWS.plain, { hashed: false, offset: 0 });
      const hashed = await measureImport(bench.env, IMPORT_ROWS.hashed, { hashed: true, offset: IMPORT_ROWS.plain });
      const row = (label: string, m: ImportMeasure) => `| ${engine}, ${label} | ${f0(m.rows)} | ${m.fileMb} | ${m.seconds.toFixed(1)} | ${f0(m.rowsPerSecond)} | ${m.peakRssMb} | ${f0(m.errors)} |`;
      lines.push(row('no hashes', plain), row('legacy hashes', hashed));
    } finally {
      await bench.drop();
    }
  }
  return lines.join('\n');
}

function argValue(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index === -1 ? undefined : process.argv[index + 1];
}

if (importOnly) {
  process.stdout.write(`${await importBench()}\n`);
  process.exit(0);
}

const results: EngineResult[] = [];
results.push(await benchEngine('SQLite'));
if (process.env.DATABASE_URL) results.push(await benchEngine('PostgreSQL', process.env.DATABASE_URL));
const machine = `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node.js ${process.version}`;
const importTable = ordersOnly ? '' : await importBench();
const output = { date: new Date().toISOString(), machine, quick, ordersOnly, results, importTable };
mkdirSync('bench/results', { recursive: true });
writeFileSync('bench/results/latest.json', JSON.stringify(output, null, 2));
process.stdout.write(`\n${machine}${quick ? ' (quick run)' : ''}${ordersOnly ? ' (order pages only)' : ''}\n\n${table(results)}\n\n${importTable}\n\nWritten to bench/results/latest.json\n`);
