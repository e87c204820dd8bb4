import type { Deps } from '../platform/context.js';
import { DAY } from '../platform/clock.js';

/**
 * Retention: activity older than the configured period is removed in small batches, so the job never holds a
 * long lock or a huge transaction on a busy database. Returns how many rows went.
 */
export async function pruneActivity(deps: Deps, options: { retentionDays: number; batchSize?: number; maxBatches?: number }): Promise<number> {
  const cutoff = deps.clock.now() - options.retentionDays * DAY;
  const batchSize = options.batchSize ?? 1000;
  const maxBatches = options.maxBatches ?? 1000;
  let removed = 0;
  for (let batch = 0; batch < maxBatches; batch++) {
    const result = await deps.db
      .deleteFrom('audit_events')
      .where('id', 'in', (eb) => eb.selectFrom('audit_events').select('id').where('created_at', '<', cutoff).limit(batchSize))
      .executeTakeFirst();
    const count = Number(result.numDeletedRows);
    removed += count;
    if (count < batchSize) break;
  }
  return removed;
}
