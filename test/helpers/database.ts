import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { migrateToLatest, openDatabase, type Db } from '../../src/platform/db/connect.js';

/**
 * A fresh, migrated database on the engine under test: SQLite in a temporary folder by default, or a new
 * PostgreSQL database on the server named by TEST_POSTGRES_URL (created here, dropped by close()).
 *
 * Running the migrations costs far more than copying their result, and most tests want a fresh database, so each
 * worker migrates one template per run and every test database starts as a copy of it: a file copy on SQLite,
 * `CREATE DATABASE … TEMPLATE` on PostgreSQL, where a finished test's database is emptied and reused by the
 * worker's next one. The run's databases and templates are removed by test/global-setup.ts.
 */
export interface TestDatabase {
  db: Db;
  databaseUrl: string | undefined;
  dataDir: string;
  close(): Promise<void>;
}

export const testEngine = process.env.TEST_POSTGRES_URL ? 'postgres' : 'sqlite';

const SQLITE_FILE = 'custos.sqlite';

/** Names this run's databases and templates, so teardown removes ours and never another run's on the same server. */
export function runPrefix(runId: string): { database: string; template: string; folder: string } {
  return { database: `custos_t_${runId}_`, template: `custos_tpl_${runId}_`, folder: `custos-tpl-${runId}-` };
}

let template: Promise<string> | undefined;

/** `onQuery` sees every statement's SQL, for tests that count the work a request does. */
export async function createTestDatabase(options: { onQuery?: (sql: string) => void } = {}): Promise<TestDatabase> {
  const dataDir = mkdtempSync(join(tmpdir(), 'custos-test-'));
  const adminUrl = process.env.TEST_POSTGRES_URL;
  template ??= adminUrl ? migratedPostgresTemplate(adminUrl) : migratedSqliteTemplate();
  const source = await template;
  if (!adminUrl) {
    copyFileSync(join(source, SQLITE_FILE), join(dataDir, SQLITE_FILE));
    const db = openDatabase({ dataDir, onQuery: options.onQuery });
    return {
      db,
      databaseUrl: undefined,
      dataDir,
      close: async () => {
        await db.close();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  }
  const name = (await emptiedSpare(adminUrl)) ?? (await copyOfTemplate(adminUrl, source));
  const databaseUrl = databaseUrlFor(adminUrl, name);
  const db = openDatabase({ databaseUrl, dataDir, poolSize: 8, onQuery: options.onQuery });
  return {
    db,
    databaseUrl,
    dataDir,
    close: async () => {
      await db.close();
      rmSync(dataDir, { recursive: true, force: true });
      // Kept for the worker's next test, which empties it first; teardown drops what a worker left.
      spares.push(name);
    },
  };
}

/**
 * PostgreSQL databases this worker's finished tests gave back. Emptying one takes a few milliseconds,
 * copying the template a third of a second: the larger part of the suite's time on PostgreSQL.
 */
const spares: string[] = [];

async function emptiedSpare(adminUrl: string): Promise<string | undefined> {
  const name = spares.pop();
  if (!name) return undefined;
  const client = new pg.Client({ connectionString: databaseUrlFor(adminUrl, name) });
  try {
    await client.connect();
    // A connection some test left open could hold a lock: give up on that database rather than wait.
    await client.query(`SET lock_timeout = '2s'`);
    const { rows } = await client.query<{ tablename: string }>(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename NOT LIKE 'kysely_%'`);
    // DELETE, not TRUNCATE: a test leaves a few rows, and TRUNCATE makes new files for every table and index.
    // Foreign keys are not checked on the way (replica role), since every table is emptied in one transaction.
    const deletes = rows.map((row) => `DELETE FROM "${row.tablename}";`).join(' ');
    await client.query(`BEGIN; SET LOCAL session_replication_role = replica; ${deletes} COMMIT;`);
    return name;
  } catch {
    dropWhenClosed(adminUrl, name).catch(() => {});
    return undefined;
  } finally {
    await client.end().catch(() => {});
  }
}

async function copyOfTemplate(adminUrl: string, template: string): Promise<string> {
  const name = `${runPrefix(inject('testRunId')).database}${randomBytes(6).toString('hex')}`;
  await withAdmin(adminUrl, async (client) => {
    await client.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
    // A throwaway database needs no commit to wait for the disk; what each query sees is unchanged.
    await client.query(`ALTER DATABASE ${name} SET synchronous_commit = off`);
  });
  return name;
}

async function migratedSqliteTemplate(): Promise<string> {
  const folder = mkdtempSync(join(tmpdir(), runPrefix(inject('testRunId')).folder));
  const db = openDatabase({ dataDir: folder });
  await migrateToLatest(db);
  // Closing checkpoints the write-ahead log into the file, so the one file is the whole database.
  await db.close();
  return folder;
}

async function migratedPostgresTemplate(adminUrl: string): Promise<string> {
  const name = `${runPrefix(inject('testRunId')).template}${randomBytes(4).toString('hex')}`;
  await withAdmin(adminUrl, (client) => client.query(`CREATE DATABASE ${name}`));
  const db = openDatabase({ databaseUrl: databaseUrlFor(adminUrl, name), dataDir: tmpdir(), poolSize: 1 });
  await migrateToLatest(db);
  await db.close();
  // A database with open connections cannot be a template.
  await waitForNoConnections(adminUrl, name);
  return name;
}

function databaseUrlFor(adminUrl: string, name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function dropWhenClosed(adminUrl: string, name: string): Promise<void> {
  await waitForNoConnections(adminUrl, name);
  await withAdmin(adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
}

/** The pool's sockets close asynchronously; dropping or copying while they close would catch them mid-goodbye. */
async function waitForNoConnections(adminUrl: string, name: string): Promise<void> {
  await withAdmin(adminUrl, async (client) => {
    for (let i = 0; i < 100; i++) {
      const open = await client.query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1', [name]);
      if (open.rows[0].n === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  });
}

export async function withAdmin<T>(adminUrl: string, action: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await action(client);
  } finally {
    await client.end();
  }
}
