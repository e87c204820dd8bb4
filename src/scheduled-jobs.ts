import type { Deps } from './platform/context.js';
import type { Job, JobRunner } from './platform/jobs/runner.js';
import { sweepJob } from './platform/jobs/sweep.js';
import { cardJobs } from './wallet/cards/card-jobs.js';
import { passkeyJobs } from './methods/passkey/passkey-jobs.js';
import { recoveryJobs } from './support/recovery/recovery-jobs.js';
import { backchannelLogoutJobs } from './partners/oidc/backchannel-logout.js';
import { dataExportJobs } from './data-export/export-job.js';
import { erasureJobs } from './closing/erasure.js';

/**
 * Every scheduled job, in one list: each feature exports its own, and the runner (platform/jobs/runner.ts) gives
 * each due job to one instance at a time. Nothing periodic runs outside it; the delivery worker's poll is the
 * outbox's consumer, not a job (notify/delivery-worker.ts).
 */
export function scheduledJobs(deps: Deps): Job[] {
  return [
    // Expired flows, codes, sessions, delivered mail, stale counters and old activity (platform/jobs/sweep-rules.ts).
    sweepJob(deps),
    ...cardJobs(deps),
    ...passkeyJobs(deps),
    // Supervised recovery: the new contact's link, only after approval and the full wait.
    ...recoveryJobs(deps),
    // Back-channel logouts to partner sites, retried while the partner does not answer.
    ...backchannelLogoutJobs(deps),
    // "Download your data": build, seal and email the copies customers asked for.
    ...dataExportJobs(deps),
    // Closed accounts past their grace period (or a merge's undo window): personal data erased or anonymised.
    ...erasureJobs(deps),
  ];
}

export function registerScheduledJobs(jobs: JobRunner, deps: Deps): void {
  for (const job of scheduledJobs(deps)) jobs.register(job);
}
