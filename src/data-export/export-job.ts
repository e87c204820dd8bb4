import type { Deps } from '../platform/context.js';
import { MINUTE } from '../platform/clock.js';
import type { Job } from '../platform/jobs/runner.js';
import { buildPendingExports } from './exports.js';

/** Every minute: a customer waiting for their data hears within minutes, and an idle pass is one indexed query. */
export function dataExportJobs(deps: Deps): Job[] {
  return [{ name: 'data-exports', everyMs: MINUTE, run: () => buildPendingExports(deps) }];
}
