import { hostname } from 'node:os';
import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import type { Clock } from '../clock.js';
import { MINUTE } from '../clock.js';
import { randomToken } from '../crypto.js';
import { cryptoRandom } from '../random.js';
import type { Database } from '../db/schema.js';
import { finishLease, takeLease } from './leases.js';

/**
 * The one place scheduled work runs. Each job has a name, an interval and a function; every instance runs a
 * runner, and the lease table (leases.ts) lets one of them run a due job while the others skip it. Time comes
 * from the injected clock and the wake-up from an injected timer, so tests advance the clock and call runDue()
 * instead of sleeping.
 */
export interface Job {
  name: string;
  everyMs: number;
  /** Longer than a run can take: after it, another instance assumes this one died and takes the job over. */
  leaseMs?: number;
  /** Does the work; may return how many things it handled, for the log. */
  run(): Promise<number | void>;
}

export type JobOutcome = { name: string; status: 'done'; handled: number | undefined } | { name: string; status: 'failed'; error: string };

/** Calls back after a delay; returns a cancel function. Tests pass one they fire by hand. */
export interface Timer {
  after(ms: number, callback: () => void): () => void;
}

export const realTimer: Timer = {
  after(ms, callback) {
    const handle = setTimeout(callback, ms);
    // A pending job poll must not keep a finished process alive.
    handle.unref();
    return () => clearTimeout(handle);
  },
};

export const DEFAULT_LEASE_MS = 10 * MINUTE;

export class JobRunner {
  /** This instance's name in the lease table: host, process and a random part, so restarts never share one. */
  readonly holder: string;
  private readonly timer: Timer;
  private readonly jobs = new Map<string, Job>();
  private pass: Promise<JobOutcome[]> | undefined;
  private cancelTimer: (() => void) | undefined;
  private stopped = false;

  constructor(
    private readonly deps: { db: Kysely<Database>; clock: Clock; log: FastifyBaseLogger },
    options: { holder?: string; timer?: Timer } = {},
  ) {
    this.holder = options.holder ?? `${hostname()}:${process.pid}:${randomToken(cryptoRandom, 6)}`;
    this.timer = options.timer ?? realTimer;
  }

  register(job: Job): void {
    if (this.jobs.has(job.name)) throw new Error(`job "${job.name}" is registered twice`);
    this.jobs.set(job.name, job);
  }

  /** Runs, one after another, every job that is due and not held elsewhere. One pass at a time per runner. */
  runDue(): Promise<JobOutcome[]> {
    if (this.stopped) return Promise.resolve([]);
    this.pass ??= this.runPass().finally(() => (this.pass = undefined));
    return this.pass;
  }

  /** Runs a pass now and then every `pollMs`, until stop(). */
  start(pollMs = MINUTE): void {
    if (this.stopped || this.cancelTimer) return;
    const tick = () => {
      this.cancelTimer = undefined;
      void this.runDue()
        .catch((error: unknown) => this.deps.log.error({ err: error }, 'job runner pass failed'))
        .finally(() => {
          if (!this.stopped) this.cancelTimer = this.timer.after(pollMs, tick);
        });
    };
    tick();
  }

  /** No new runs; resolves once a run in progress has finished and given its lease back. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    await this.pass?.catch(() => undefined);
  }

  private async runPass(): Promise<JobOutcome[]> {
    const outcomes: JobOutcome[] = [];
    for (const job of this.jobs.values()) {
      if (this.stopped) break;
      const outcome = await this.runIfDue(job);
      if (outcome) outcomes.push(outcome);
    }
    return outcomes;
  }

  private async runIfDue(job: Job): Promise<JobOutcome | undefined> {
    const { db, clock, log } = this.deps;
    const lease = await takeLease(db, clock, { name: job.name, holder: this.holder, leaseMs: job.leaseMs ?? DEFAULT_LEASE_MS });
    if (!lease) return undefined;
    let outcome: JobOutcome;
    try {
      const handled = await job.run();
      outcome = { name: job.name, status: 'done', handled: handled ?? undefined };
      if (handled) log.info({ job: job.name, handled }, 'scheduled job finished');
    } catch (error) {
      outcome = { name: job.name, status: 'failed', error: error instanceof Error ? error.message : String(error) };
      log.error({ err: error, job: job.name }, 'scheduled job failed');
    }
    const kept = await finishLease(db, clock, lease, { nextRunAt: lease.startedAt + job.everyMs, error: outcome.status === 'failed' ? outcome.error : undefined });
    if (!kept) log.warn({ job: job.name }, 'scheduled job outlived its lease; another instance took it over');
    return outcome;
  }
}
