import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scheduledJobs } from '../../src/scheduled-jobs.js';
import { createTestApp } from '../helpers/app.js';

/**
 * Periodic work has one place: the leased job runner (platform/jobs/runner.ts), fed by one list that each
 * feature's jobs join (scheduled-jobs.ts).
 */
const SRC = join(import.meta.dirname, '../../src');

/** The timers src may hold, each for a reason that is not periodic work. */
const ALLOWED_TIMERS: Record<string, string> = {
  'platform/jobs/runner.ts': "the runner's own wake-up",
  'platform/http/in-flight.ts': 'a one-off deadline for draining requests at shutdown',
  'notify/delivery-worker.ts': "the outbox consumer's poll, a fallback to the wake after each commit",
};

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(entries.map((entry) => (entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : [join(dir, entry.name)])));
  return nested.flat().filter((file) => /\.tsx?$/.test(file));
}

describe('scheduled jobs', () => {
  it('no periodic work runs on a bare timer outside the job runner', async () => {
    const timed: string[] = [];
    for (const file of await sourceFiles(SRC)) {
      if (/\bset(Interval|Timeout)\(/.test(await readFile(file, 'utf8'))) timed.push(relative(SRC, file).split('\\').join('/'));
    }
    expect(timed.sort()).toEqual(Object.keys(ALLOWED_TIMERS).sort());
  });

  it("one list holds every feature's jobs, each once", async () => {
    const t = await createTestApp();
    try {
      expect(scheduledJobs(t.app.deps).map((job) => job.name)).toEqual(['sweep-expired-rows', 'card-expiry-reminders', 'store-legacy-passkey-handles', 'support-recovery-links', 'partner-backchannel-logouts', 'data-exports', 'account-erasure']);
    } finally {
      await t.close();
    }
  });
});
