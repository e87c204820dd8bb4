import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { migrateToLatest, openDatabase, type Db } from '../../src/platform/db/connect.js';

/**
 * A fresh, migrated database on the engine under test: SQLite in a temporary folder by default, or a new
 * PostgreSQL database on the server named by TEST_POSTGRES_URL (created here, dropped by close()).
 */
export interface TestDatabase {
  db: Db;
  databaseUrl: string | undefined;
  dataDir: string;
  close(): Promise<void>;
}

export const testEngine = process.env.TEST_POSTGRES_URL ? 'postgres' : 'sqlite';

/** `onQuery` sees every statement's SQL, for tests that count the work a request does. */
export async function createTestDatabase(options: { onQuery?: (sql: string) => void } = {}): Promise<TestDatabase> {
  const dataDir = mkdtempSync(join(tmpdir(), 'custos-test-'));
  const adminUrl = process.env.TEST_POSTGRES_URL;
  if (!adminUrl) {
    const db = openDatabase({ dataDir, onQuery: options.onQuery });
    await migrateToLatest(db);
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
  const name = `custos_t_${randomBytes(6).toString('hex')}`;
  await withAdmin(adminUrl, (client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const databaseUrl = url.toString();
  const db = openDatabase({ databaseUrl, dataDir, poolSize: 8, onQuery: options.onQuery });
  await migrateToLatest(db);
  return {
    db,
    databaseUrl,
    dataDir,
    close: async () => {
      await db.close();
      await withAdmin(adminUrl, async (client) => {
        // The pool's sockets close asynchronously; dropping while they close would kill them mid-goodbye.
        for (let i = 0; i < 100; i++) {
          const open = await client.query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1', [name]);
          if (open.rows[0].n === 0) break;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      });
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function withAdmin<T>(adminUrl: string, action: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await action(client);
  } finally {
    await client.end();
  }
}
