import type { Deps } from '../../platform/context.js';
import { HOUR } from '../../platform/clock.js';
import type { Job } from '../../platform/jobs/runner.js';
import { queueCardExpiryReminders } from './card-expiry-reminders.js';

/** Saved cards' scheduled work: the reminder 30 days before a card expires, once per card. */
export function cardJobs(deps: Deps): Job[] {
  return [{ name: 'card-expiry-reminders', everyMs: HOUR, run: () => queueCardExpiryReminders(deps) }];
}
