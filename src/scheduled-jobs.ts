import type { Deps } from './platform/context.js';
import { HOUR, MINUTE } from './platform/clock.js';
import type { JobRunner } from './platform/jobs/runner.js';
import { sweepExpiredRows, totalRemoved } from './platform/jobs/sweep.js';
import { queueCardExpiryReminders } from './wallet/cards/card-expiry-reminders.js';
import { storeLegacyUserHandles } from './methods/passkey/passkey-user-handle.js';

/** Every scheduled job, registered here by hand in one list; the runner gives each to one instance at a time. */
export function registerScheduledJobs(jobs: JobRunner, deps: Deps): void {
  // Expired flows, codes, sessions, delivered mail, stale counters and old activity (platform/jobs/sweep-rules.ts).
  // A first sweep of a large backlog can take minutes; a longer lease keeps a second instance from joining in.
  jobs.register({ name: 'sweep-expired-rows', everyMs: 15 * MINUTE, leaseMs: 30 * MINUTE, run: async () => totalRemoved(await sweepExpiredRows(deps)) });
  jobs.register({ name: 'card-expiry-reminders', everyMs: HOUR, run: () => queueCardExpiryReminders(deps) });
  // Passkeys of accounts from before stored handles keep working after SECRET rotates (factors/passkey-user-handle.ts).
  jobs.register({ name: 'store-legacy-passkey-handles', everyMs: HOUR, run: () => storeLegacyUserHandles(deps.db, deps.config.keys) });
}
