import type { Deps } from '../context.js';

/**
 * The one way to run several writes as one: `work` gets the same deps bound to the transaction, so every function
 * it calls writes inside it. A message queued inside (deps.notifyOutbox) wakes the delivery worker only after the
 * commit, when the row can be seen; a rolled-back transaction wakes nothing. Called inside a transaction already,
 * it joins that one, and the outer call does the waking.
 */
export async function inTransaction<D extends Pick<Deps, 'db' | 'notifyOutbox' | 'afterCommit'>, T>(deps: D, work: (tx: D) => Promise<T>): Promise<T> {
  if (deps.db.isTransaction) return work(deps);
  let queued = false;
  const committed: Array<() => void> = [];
  const result = await deps.db.transaction().execute((trx) =>
    work({
      ...deps,
      db: trx,
      notifyOutbox: () => {
        queued = true;
      },
      afterCommit: (run: () => void) => {
        committed.push(run);
      },
    }),
  );
  if (queued) deps.notifyOutbox();
  for (const run of committed) run();
  return result;
}
