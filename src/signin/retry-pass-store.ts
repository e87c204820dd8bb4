import type { Deps } from '../platform/context.js';

/**
 * Whether this browser holds a used, unexpired "let this browser try again" pass (retry-pass.ts) for the
 * account: the attempt gate then gives it a counter of its own.
 */
export async function hasRetryPass(deps: Deps, accountId: string, deviceHash: string): Promise<boolean> {
  const row = await deps.db
    .selectFrom('retry_passes')
    .select('id')
    .where('account_id', '=', accountId)
    .where('device_hash', '=', deviceHash)
    .where('trusted_until', '>', deps.clock.now())
    .executeTakeFirst();
  return row !== undefined;
}
