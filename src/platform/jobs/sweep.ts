import { sql, type Kysely } from 'kysely';
import type { Config } from '../../config.js';
import { MINUTE, type Clock } from '../clock.js';
import type { Database } from '../db/schema.js';
import type { Job } from './runner.js';
import { SWEEP_RULES, type SweepRule } from './sweep-rules.js';

/**
 * Deletes what the sweep rules say has expired, in bounded batches: each statement removes at most `batchSize`
 * rows found through the rule's index, so the job never holds a long lock or builds a huge transaction on a busy
 * database, and it loops until a batch comes back short.
 */
export interface SweptTable {
  table: string;
  reason: string;
  removed: number;
}

export async function sweepExpiredRows(
  deps: { db: Kysely<Database>; clock: Clock; config: Config },
  options: { batchSize?: number; rules?: readonly SweepRule[] } = {},
): Promise<SweptTable[]> {
  const batchSize = options.batchSize ?? 1000;
  const now = deps.clock.now();
  const swept: SweptTable[] = [];
  for (const rule of options.rules ?? SWEEP_RULES) {
    const cutoff = now - rule.keepMs(deps.config);
    let removed = 0;
    for (;;) {
      const count = await deleteBatch(deps.db, rule, cutoff, batchSize);
      removed += count;
      if (count < batchSize) break;
    }
    swept.push({ table: rule.table, reason: rule.reason, removed });
  }
  return swept;
}

/**
 * The sweep as a scheduled job. A first sweep of a large backlog can take minutes; a longer lease keeps a second
 * instance from joining in.
 */
export function sweepJob(deps: { db: Kysely<Database>; clock: Clock; config: Config }): Job {
  return { name: 'sweep-expired-rows', everyMs: 15 * MINUTE, leaseMs: 30 * MINUTE, run: async () => totalRemoved(await sweepExpiredRows(deps)) };
}

export function totalRemoved(swept: SweptTable[]): number {
  return swept.reduce((sum, table) => sum + table.removed, 0);
}

async function deleteBatch(db: Kysely<Database>, rule: SweepRule, cutoff: number, batchSize: number): Promise<number> {
  const result = await deleteBatchQuery(rule, cutoff, batchSize).execute(db);
  return Number(result.numAffectedRows ?? 0n);
}

/** One bounded batch: the inner select walks the rule's index and stops at `batchSize` rows. */
export function deleteBatchQuery(rule: SweepRule, cutoff: number, batchSize: number) {
  const table = sql.table(rule.table);
  // A composite key is compared as a row value, so one window of a key is never taken for all of them.
  const key = typeof rule.key === 'string' ? sql.ref(rule.key) : sql`(${sql.join(rule.key.map((column) => sql.ref(column)))})`;
  const keyColumns = typeof rule.key === 'string' ? sql.ref(rule.key) : sql.join(rule.key.map((column) => sql.ref(column)));
  const only = rule.only ? sql` and ${sql.ref(rule.only.column)} = ${rule.only.equals}` : sql``;
  return sql`delete from ${table} where ${key} in (select ${keyColumns} from ${table} where ${sql.ref(rule.column)} < ${cutoff}${only} limit ${batchSize})`;
}
