import type { Deps } from '../../platform/context.js';
import { MINUTE } from '../../platform/clock.js';
import type { Job } from '../../platform/jobs/runner.js';
import { runRecoveryJob } from './finish.js';

/** Sends set-a-password links for recoveries whose full wait has passed; late by at most one interval. */
export function recoveryJobs(deps: Deps): Job[] {
  return [{ name: 'support-recovery-links', everyMs: 5 * MINUTE, run: () => runRecoveryJob(deps) }];
}
