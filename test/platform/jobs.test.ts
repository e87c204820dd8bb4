import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import pino from 'pino';
import { ManualClock, MINUTE } from '../../src/platform/clock.js';
import { openDatabase, type Db } from '../../src/platform/db/connect.js';
import { finishLease, takeLease } from '../../src/platform/jobs/leases.js';
import { JobRunner, type Timer } from '../../src/platform/jobs/runner.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';

const log = pino({ level: 'silent' });
const run = promisify(execFile);

/** A timer the test fires by hand: the runner's next poll waits here instead of in setTimeout. */
class ManualTimer implements Timer {
  pending: Array<() => void> = [];
  after(_ms: number, callback: () => void) {
    this.pending.push(callback);
    return () => (this.pending = this.pending.filter((c) => c !== callback));
  }
}

describe('job runner: one lease table shared by every instance', () => {
  let database: TestDatabase;
  let instances: Db[];
  const clock = new ManualClock();

  beforeEach(async () => {
    database = await createTestDatabase();
    instances = [];
  });
  afterEach(async () => {
    for (const db of instances) await db.close();
    await database.close();
  });

  /** Another instance: its own connection (pool) to the same database, its own runner. */
  function instance(timer?: Timer): JobRunner {
    const db = openDatabase({ databaseUrl: database.databaseUrl, dataDir: database.dataDir, poolSize: 2 });
    instances.push(db);
    return new JobRunner({ db: db.kysely, clock, log }, { timer });
  }

  it('a due job runs on one instance only, even when 200 runners on 10 connections poll at the same moment', async () => {
    let runs = 0;
    const connections = Array.from({ length: 10 }, () => openDatabase({ databaseUrl: database.databaseUrl, dataDir: database.dataDir, poolSize: 2 }));
    instances.push(...connections);
    const runners = Array.from({ length: 200 }, (_, i) => new JobRunner({ db: connections[i % 10]!.kysely, clock, log }));
    for (const runner of runners) runner.register({ name: 'count', everyMs: 15 * MINUTE, run: async () => void runs++ });
    const outcomes = (await Promise.all(runners.map((r) => r.runDue()))).flat();
    expect(runs).toBe(1);
    expect(outcomes).toEqual([{ name: 'count', status: 'done', handled: undefined }]);

    // Not due again until its interval has passed, whichever instance asks.
    clock.advance(15 * MINUTE - 1);
    await Promise.all(runners.map((r) => r.runDue()));
    expect(runs).toBe(1);
    clock.advance(1);
    await Promise.all(runners.map((r) => r.runDue()));
    expect(runs).toBe(2);
  });

  it('a holder that died is taken over once its lease runs out, and cannot overwrite the new schedule', async () => {
    const db = database.db.kysely;
    const dead = await takeLease(db, clock, { name: 'reminders', holder: 'crashed-instance', leaseMs: 10 * MINUTE });
    expect(dead).toBeDefined();
    let runs = 0;
    const survivor = instance();
    survivor.register({ name: 'reminders', everyMs: 60 * MINUTE, leaseMs: 10 * MINUTE, run: async () => void runs++ });

    await survivor.runDue();
    clock.advance(10 * MINUTE - 1);
    await survivor.runDue();
    expect(runs).toBe(0);
    clock.advance(1);
    await survivor.runDue();
    expect(runs).toBe(1);

    // The crashed instance wakes up and reports back: fenced out, the survivor's booking stands.
    expect(await finishLease(db, clock, dead!, { nextRunAt: 0 })).toBe(false);
    const row = await db.selectFrom('job_leases').selectAll().where('name', '=', 'reminders').executeTakeFirstOrThrow();
    expect(row).toMatchObject({ holder: null, next_run_at: clock.now() + 60 * MINUTE });
  });

  it('a failing job is logged and booked again; the other jobs still run', async () => {
    const runner = instance();
    let ran = false;
    runner.register({ name: 'broken', everyMs: MINUTE, run: async () => Promise.reject(new Error('database went away')) });
    runner.register({ name: 'fine', everyMs: MINUTE, run: async () => void (ran = true) });
    const outcomes = await runner.runDue();
    expect(outcomes).toEqual([
      { name: 'broken', status: 'failed', error: 'database went away' },
      { name: 'fine', status: 'done', handled: undefined },
    ]);
    expect(ran).toBe(true);
    const row = await database.db.kysely.selectFrom('job_leases').selectAll().where('name', '=', 'broken').executeTakeFirstOrThrow();
    expect(row).toMatchObject({ holder: null, lease_until: 0, next_run_at: clock.now() + MINUTE, last_error: 'database went away' });
  });

  it('stops cleanly: waits for the run in progress, gives its lease back, and polls no more', async () => {
    const timer = new ManualTimer();
    const runner = instance(timer);
    let release!: () => void;
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    let runs = 0;
    runner.register({
      name: 'slow',
      everyMs: MINUTE,
      run: () => {
        runs++;
        started();
        return new Promise<void>((resolve) => (release = resolve));
      },
    });
    runner.start();
    await running;
    let stopped = false;
    const stopping = runner.stop().then(() => (stopped = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(timer.pending).toHaveLength(0);
    const row = await database.db.kysely.selectFrom('job_leases').selectAll().where('name', '=', 'slow').executeTakeFirstOrThrow();
    expect(row.holder).toBeNull();
    clock.advance(MINUTE);
    expect(await runner.runDue()).toEqual([]);
    expect(runs).toBe(1);
  });

  it('start() polls again through its timer, and the clock decides what is due', async () => {
    const timer = new ManualTimer();
    const runner = instance(timer);
    let runs = 0;
    let ran!: () => void;
    let next = new Promise<void>((resolve) => (ran = resolve));
    runner.register({ name: 'tick', everyMs: 5 * MINUTE, run: async () => (runs++, ran()) });
    runner.start(MINUTE);
    await next;
    await until(() => timer.pending.length === 1);
    next = new Promise<void>((resolve) => (ran = resolve));
    clock.advance(5 * MINUTE);
    timer.pending[0]!();
    await next;
    expect(runs).toBe(2);
    await runner.stop();
  });
});

/** Waits for a condition the code under test brings about, with a deadline; never a fixed sleep. */
async function until(condition: () => boolean, deadlineMs = 5000): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error('condition not met before the deadline');
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('job runner: two service processes on one database', () => {
  let database: TestDatabase;
  beforeEach(async () => {
    database = await createTestDatabase();
  });
  afterEach(() => database.close());

  it('a due job runs once when two processes of 100 runners each ask at the same moment', async () => {
    const env = { ...process.env, DATA_DIR: database.dataDir, DATABASE_URL: database.databaseUrl ?? '' };
    const now = String(Date.UTC(2026, 0, 15, 12));
    // Each process is waited for with a deadline, never a fixed sleep.
    const instances = await Promise.all(
      [1, 2].map(() => run(process.execPath, ['test/platform/lease-instance.mjs', now, '100'], { env, timeout: 60_000 })),
    );
    const runs = instances.map(({ stdout }) => (JSON.parse(stdout) as { runs: number }).runs);
    expect(runs.reduce((a, b) => a + b, 0)).toBe(1);
    const lease = await database.db.kysely.selectFrom('job_leases').selectAll().executeTakeFirstOrThrow();
    expect(lease).toMatchObject({ name: 'once-across-processes', holder: null, next_run_at: Number(now) + 60 * MINUTE });
  });
});
