import type { Db } from '../platform/db/connect.js';

/**
 * Bulk inserts for the seeding tools, at the speed each engine allows: on SQLite one prepared statement run per
 * row inside a transaction; on PostgreSQL one INSERT … SELECT FROM unnest(arrays) per batch. Columns are
 * declared with their PostgreSQL array type so the same call works on both.
 */
export type ColumnType = 'text' | 'bigint' | 'integer';

export async function bulkInsert(
  db: Db,
  table: string,
  columns: Array<[name: string, type: ColumnType]>,
  rows: unknown[][],
): Promise<void> {
  if (rows.length === 0) return;
  const names = columns.map(([name]) => name).join(', ');
  if ('sqlite' in db.raw) {
    const statement = db.raw.sqlite.prepare(`INSERT INTO ${table} (${names}) VALUES (${columns.map(() => '?').join(', ')})`);
    db.raw.sqlite.transaction((batch: unknown[][]) => {
      for (const row of batch) statement.run(...row);
    })(rows);
    return;
  }
  const arrays = columns.map((_, index) => rows.map((row) => row[index]));
  const unnest = columns.map(([, type], index) => `$${index + 1}::${type}[]`).join(', ');
  await db.raw.pool.query(`INSERT INTO ${table} (${names}) SELECT * FROM unnest(${unnest})`, arrays);
}
