import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { CompiledQuery, Kysely, Migrator, PostgresDialect, SqliteDialect, SqliteDriver, type DatabaseConnection, type Driver, type LogEvent, type Migration, type SqliteDialectConfig } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.js';
import * as foundation from './migrations/001_foundation.js';
import * as activity from './migrations/002_activity.js';
import * as secondFactors from './migrations/003_second_factors.js';
import * as walletOrders from './migrations/004_wallet_orders.js';
import * as attemptGate from './migrations/005_attempt_gate.js';
import * as messageBudgets from './migrations/006_message_budgets.js';
import * as signupBinding from './migrations/007_signup_binding.js';
import * as jobsAndKeys from './migrations/008_jobs_and_keys.js';
import * as staff from './migrations/009_staff.js';
import * as support from './migrations/010_support.js';
import * as supportRecovery from './migrations/012_support_recovery.js';
import * as supportActions from './migrations/013_support_actions.js';
import * as supportSweep from './migrations/014_support_sweep.js';
import * as partners from './migrations/015_partners.js';
import * as oidc from './migrations/016_oidc.js';
import * as checkout from './migrations/017_checkout.js';
import * as webhooks from './migrations/018_webhooks.js';
import * as accountLife from './migrations/019_account_life.js';
import * as merges from './migrations/020_merges.js';
import * as messageTrust from './migrations/021_message_trust.js';
import * as imports from './migrations/022_imports.js';
import * as yourData from './migrations/023_your_data.js';

export type Engine = 'sqlite' | 'postgres';

export interface Db {
  kysely: Kysely<Database>;
  engine: Engine;
  /** The underlying handle, for bulk tools (seeding) that need prepared statements or COPY-like speed. */
  raw: { sqlite: SQLite.Database } | { pool: pg.Pool };
  close(): Promise<void>;
}

// PostgreSQL returns bigint as a string to avoid precision loss; our bigints are epoch milliseconds and fit.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

/** One migration history for both engines, listed here in order. */
const migrations: Record<string, Migration> = {
  '001_foundation': foundation,
  '002_activity': activity,
  '003_second_factors': secondFactors,
  '004_wallet_orders': walletOrders,
  '005_attempt_gate': attemptGate,
  '006_message_budgets': messageBudgets,
  '007_signup_binding': signupBinding,
  '008_jobs_and_keys': jobsAndKeys,
  '009_staff': staff,
  '010_support': support,
  '012_support_recovery': supportRecovery,
  '013_support_actions': supportActions,
  '014_support_sweep': supportSweep,
  '015_partners': partners,
  '016_oidc': oidc,
  '017_checkout': checkout,
  '018_webhooks': webhooks,
  '019_account_life': accountLife,
  '020_merges': merges,
  '021_message_trust': messageTrust,
  '022_imports': imports,
  '023_your_data': yourData,
};

export function openDatabase(options: { databaseUrl?: string; dataDir: string; poolSize?: number; onQuery?: (sql: string) => void }): Db {
  const log = options.onQuery ? (event: LogEvent) => options.onQuery!(event.query.sql) : undefined;
  if (options.databaseUrl) {
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: options.poolSize ?? 10 });
    // An idle connection dropped by the server (restart, failover) is replaced on next use; without a listener
    // the pool's 'error' event would crash the process.
    pool.on('error', (error) => process.emitWarning(`PostgreSQL connection lost: ${error.message}`));
    const kysely = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), log });
    return { kysely, engine: 'postgres', raw: { pool }, close: () => kysely.destroy() };
  }
  const file = new SQLite(ownerOnlyDatabaseFile(options.dataDir));
  file.pragma('journal_mode = WAL');
  file.pragma('foreign_keys = ON');
  file.pragma('busy_timeout = 5000');
  file.pragma('synchronous = NORMAL');
  // A large database (millions of accounts and activity rows) must not fall out of a 2 MB page cache: keep
  // 64 MB of pages in process and read the rest through a memory map instead of a syscall per page.
  file.pragma('cache_size = -65536');
  file.pragma('mmap_size = 1073741824');
  file.pragma('temp_store = MEMORY');
  const kysely = new Kysely<Database>({ dialect: new ImmediateSqliteDialect({ database: withStatementCache(file) }), log });
  return { kysely, engine: 'sqlite', raw: { sqlite: file }, close: () => kysely.destroy() };
}

/**
 * SECURITY.md "Data files are readable by the service's user only": DATA_DIR is 0700 and the database 0600,
 * created so before SQLite opens it (SQLite gives its -wal and -shm files the database's mode). Files left
 * wider by an older version are narrowed here too.
 */
function ownerOnlyDatabaseFile(dataDir: string): string {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  chmodSync(dataDir, 0o700);
  const path = join(dataDir, 'custos.sqlite');
  if (!existsSync(path)) closeSync(openSync(path, 'a', 0o600));
  for (const file of [path, `${path}-wal`, `${path}-shm`]) {
    if (existsSync(file)) chmodSync(file, 0o600);
  }
  return path;
}

/**
 * Transactions begin IMMEDIATE, taking the write lock at the start. A plain (deferred) BEGIN that reads first and
 * then writes cannot wait for another process's write: SQLite answers SQLITE_BUSY at once, so two instances on
 * one file (or a command-line tool beside the service) would fail each other's transactions instead of queueing.
 */
class ImmediateSqliteDialect extends SqliteDialect {
  constructor(private readonly settings: SqliteDialectConfig) {
    super(settings);
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.settings);
  }
}

class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

/**
 * better-sqlite3 compiles a statement on every prepare(), which costs more than running it. Kysely prepares
 * each query it sends, so keep the most recent statements by SQL text and hand them back. Safe because Kysely
 * runs one statement at a time on this connection and never leaves an iterator open.
 */
function withStatementCache(database: SQLite.Database, size = 500) {
  const cache = new Map<string, SQLite.Statement>();
  return {
    close: () => database.close(),
    prepare(sql: string): SQLite.Statement {
      const cached = cache.get(sql);
      if (cached) return cached;
      const statement = database.prepare(sql);
      cache.set(sql, statement);
      if (cache.size > size) cache.delete(cache.keys().next().value!);
      return statement;
    },
  };
}

export async function migrateToLatest(db: Db): Promise<void> {
  const migrator = new Migrator({
    db: db.kysely,
    provider: { getMigrations: async () => migrations },
  });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(`Database migration failed${failed ? ` at ${failed.migrationName}` : ''}: ${String(error)}`);
  }
}
