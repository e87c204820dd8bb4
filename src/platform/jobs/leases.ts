import type { Kysely } from 'kysely';
import type { Clock } from '../clock.js';
import type { Database } from '../db/schema.js';

/**
 * A job's lease: the row that says which instance runs it now and when it is next due. Taking it is one
 * conditional upsert, so on one database (SQLite, or PostgreSQL shared by many instances) exactly one caller wins
 * a due job. A holder that dies simply stops: its lease runs out and the next caller takes over.
 */
export interface Lease {
  name: string;
  holder: string;
  startedAt: number;
  until: number;
}

/** The lease for a due job that nobody holds, or undefined. One statement: concurrent callers can't both win. */
export async function takeLease(db: Kysely<Database>, clock: Clock, input: { name: string; holder: string; leaseMs: number }): Promise<Lease | undefined> {
  const now = clock.now();
  const until = now + input.leaseMs;
  const result = await db
    .insertInto('job_leases')
    .values({ name: input.name, holder: input.holder, lease_until: until, next_run_at: now, last_started_at: now })
    .onConflict((oc) =>
      oc
        .column('name')
        .doUpdateSet({ holder: input.holder, lease_until: until, last_started_at: now })
        .where('job_leases.lease_until', '<=', now)
        .where('job_leases.next_run_at', '<=', now),
    )
    .executeTakeFirst();
  if (Number(result.numInsertedOrUpdatedRows ?? 0n) === 0) return undefined;
  return { name: input.name, holder: input.holder, startedAt: now, until };
}

/**
 * Gives the lease back and books the next run. Fenced by holder and lease end: a holder whose lease ran out and
 * was taken over changes nothing (returns false), so a slow instance never overwrites the new holder's schedule.
 */
export async function finishLease(db: Kysely<Database>, clock: Clock, lease: Lease, outcome: { nextRunAt: number; error?: string }): Promise<boolean> {
  const result = await db
    .updateTable('job_leases')
    .set({ holder: null, lease_until: 0, next_run_at: outcome.nextRunAt, last_finished_at: clock.now(), last_error: outcome.error ?? null })
    .where('name', '=', lease.name)
    .where('holder', '=', lease.holder)
    .where('lease_until', '=', lease.until)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
