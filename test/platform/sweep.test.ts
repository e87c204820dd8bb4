import { CompiledQuery, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { DAY, HOUR, ManualClock } from '../../src/platform/clock.js';
import type { Database } from '../../src/platform/db/schema.js';
import { SWEEP_RULES } from '../../src/platform/jobs/sweep-rules.js';
import { deleteBatchQuery, sweepExpiredRows } from '../../src/platform/jobs/sweep.js';
import { createTestDatabase, testEngine, type TestDatabase } from '../helpers/database.js';

/**
 * Tables only grew: flows, codes, ended sessions, delivered mail and throttle counters were never removed. The
 * sweep must delete what has expired, in bounded batches through an index, and leave every live row alone.
 */
const config = loadConfig({ NODE_ENV: 'test', ACTIVITY_RETENTION_DAYS: '90' });
const clock = new ManualClock();
const now = clock.now();
const LONG_AGO = now - 400 * DAY;
const SOON = now + DAY;
const COUNTED: Array<keyof Database> = ['flows', 'verifications', 'sessions', 'remembered_devices', 'outbox', 'throttles', 'audit_events', 'message_budgets', 'message_records'];

describe('sweep: expired rows leave, live rows stay', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.close());

  async function counts() {
    const db = database.db.kysely;
    const entries = await Promise.all(
      COUNTED.map(async (table) => {
        const row = await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
        return [table, Number(row.n)] as const;
      }),
    );
    return Object.fromEntries(entries);
  }

  /** `expired` rows past every rule's keep period and `live` rows that must survive, in each swept table. */
  async function seed(expired: number, live: number) {
    const db = database.db.kysely;
    await db.insertInto('accounts').values({ id: 'acct', name: 'Ada', status: 'active', password_hash: null, password_changed_at: null, created_at: LONG_AGO, updated_at: LONG_AGO }).execute();
    const rows = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
    const flow = (id: string, expiresAt: number) => ({ id, kind: 'signin', state: 'started', account_id: null, data: '{}', factors_passed: '[]', created_at: LONG_AGO, expires_at: expiresAt, completed_at: null });
    await db.insertInto('flows').values([...rows(expired, 'old').map((id) => flow(id, LONG_AGO)), ...rows(live, 'new').map((id) => flow(id, SOON))]).execute();
    const code = (id: string, expiresAt: number) => ({ id, account_id: 'acct', flow_id: null, purpose: 'reset', channel: 'email' as const, target: 'ada@example.com', code_hash: 'x', key_id: null, link_hash: null, attempts: 0, max_attempts: 5, sends: 1, last_sent_at: LONG_AGO, expires_at: expiresAt, consumed_at: null, created_at: LONG_AGO });
    await db.insertInto('verifications').values([...rows(expired, 'old').map((id) => code(id, LONG_AGO)), ...rows(live, 'new').map((id) => code(id, SOON))]).execute();
    const session = (id: string, idleExpiresAt: number, endedAt: number | null) => ({ id, account_id: 'acct', token_hash: id, factors: '[]', created_at: LONG_AGO, authenticated_at: LONG_AGO, last_used_at: LONG_AGO, idle_expires_at: idleExpiresAt, expires_at: SOON + DAY, ended_at: endedAt, ip: '203.0.113.1', user_agent: 'test', device: 'test', place: 'test' });
    await db
      .insertInto('sessions')
      .values([...rows(expired, 'idle').map((id) => session(id, LONG_AGO, null)), ...rows(expired, 'ended').map((id) => session(id, SOON, LONG_AGO)), ...rows(live, 'new').map((id) => session(id, SOON, null))])
      .execute();
    const remembered = (id: string, expiresAt: number) => ({ id, account_id: 'acct', token_hash: id, device: 'test', place: 'test', created_at: LONG_AGO, expires_at: expiresAt, revoked_at: null });
    await db.insertInto('remembered_devices').values([...rows(expired, 'old').map((id) => remembered(id, LONG_AGO)), ...rows(live, 'new').map((id) => remembered(id, SOON))]).execute();
    const message = (id: string, status: 'pending' | 'sent' | 'failed', createdAt: number) => ({ id, account_id: null, channel: 'email' as const, template: 't', recipient: 'ada@example.com', subject: 's', text_body: 'b', html_body: null, status, attempts: 1, next_attempt_at: createdAt, locked_until: null, last_error: null, created_at: createdAt, sent_at: status === 'sent' ? createdAt : null });
    await db
      .insertInto('outbox')
      .values([
        ...rows(expired, 'sent').map((id) => message(id, 'sent', LONG_AGO)),
        ...rows(expired, 'failed').map((id) => message(id, 'failed', LONG_AGO)),
        // Still being retried: never swept, however old.
        ...rows(live, 'pending').map((id) => message(id, 'pending', LONG_AGO)),
        ...rows(live, 'recent').map((id) => message(id, 'sent', now - DAY)),
      ])
      .execute();
    const counter = (key: string, updatedAt: number) => ({ key, failures: 3, blocked_until: 0, updated_at: updatedAt });
    await db.insertInto('throttles').values([...rows(expired, 'old').map((k) => counter(k, LONG_AGO)), ...rows(live, 'new').map((k) => counter(k, now - DAY))]).execute();
    const event = (id: string, createdAt: number) => ({ id, account_id: 'acct', type: 'signin.succeeded', ip: null, user_agent: null, detail: '{}', created_at: createdAt, device: null, place: null });
    await db.insertInto('audit_events').values([...rows(expired, 'old').map((id) => event(id, LONG_AGO)), ...rows(live, 'new').map((id) => event(id, now - 89 * DAY))]).execute();
    // Ended windows of the same keys as live ones: only the ended window of a key goes.
    const budgetWindow = (key: string, windowStart: number) => ({ key, window_start: windowStart, used: 2, expires_at: windowStart + DAY });
    await db.insertInto('message_budgets').values([...rows(expired, 'k').map((k) => budgetWindow(k, LONG_AGO)), ...rows(live, 'k').map((k) => budgetWindow(k, now - HOUR))]).execute();
    const record = (id: string, createdAt: number) => ({ id, reference: id, account_id: 'acct', channel: 'sms' as const, destination: '+1•••99', subject: 'Sign-in code', created_at: createdAt });
    await db.insertInto('message_records').values([...rows(expired, 'old').map((id) => record(id, LONG_AGO)), ...rows(live, 'new').map((id) => record(id, now - 89 * DAY))]).execute();
  }

  it('the tables shrink to their live rows, batch by bounded batch', async () => {
    await seed(25, 4);
    const before = await counts();
    expect(before).toEqual({ flows: 29, verifications: 29, sessions: 54, remembered_devices: 29, outbox: 58, throttles: 29, audit_events: 29, message_budgets: 29, message_records: 29 });

    const swept = await sweepExpiredRows({ db: database.db.kysely, clock, config }, { batchSize: 10 });
    expect(swept.reduce((sum, s) => sum + s.removed, 0)).toBe(25 * 11);
    expect(await counts()).toEqual({ flows: 4, verifications: 4, sessions: 4, remembered_devices: 4, outbox: 8, throttles: 4, audit_events: 4, message_budgets: 4, message_records: 4 });
    const windows = await database.db.kysely.selectFrom('message_budgets').select('key').orderBy('key').execute();
    expect(windows.map((w) => w.key)).toEqual(['k0', 'k1', 'k2', 'k3']);
    const left = await database.db.kysely.selectFrom('flows').select('id').orderBy('id').execute();
    expect(left.map((r) => r.id)).toEqual(['new0', 'new1', 'new2', 'new3']);

    // A second sweep finds nothing more; a day later the live rows are still there unless they expired.
    expect((await sweepExpiredRows({ db: database.db.kysely, clock, config })).every((s) => s.removed === 0)).toBe(true);
  });

  it('every rule deletes through an index (flows_expiry included), never a table scan', async () => {
    for (const rule of SWEEP_RULES) {
      const plan = await planOf(deleteBatchQuery(rule, now, 1000).compile(database.db.kysely));
      if (testEngine === 'sqlite') {
        expect(plan, `${rule.table}.${rule.column}`).not.toMatch(new RegExp(`SCAN ${rule.table}\\b`));
        expect(plan).toMatch(new RegExp(`SEARCH ${rule.table} USING (COVERING )?INDEX`));
      } else {
        expect(plan, `${rule.table}.${rule.column}`).not.toMatch(/Seq Scan/);
      }
      if (rule.table === 'flows') expect(plan).toMatch(/flows_expiry/);
    }
  });

  async function planOf(compiled: CompiledQuery): Promise<string> {
    const raw = database.db.raw;
    if ('sqlite' in raw) {
      const rows = raw.sqlite.prepare(`EXPLAIN QUERY PLAN ${compiled.sql}`).all(...(compiled.parameters as unknown[])) as Array<{ detail: string }>;
      return rows.map((row) => row.detail).join('\n');
    }
    return database.db.kysely.transaction().execute(async (trx) => {
      await sql`SET LOCAL enable_seqscan = off`.execute(trx);
      const result = await trx.executeQuery<Record<string, string>>(CompiledQuery.raw(`EXPLAIN ${compiled.sql}`, [...compiled.parameters]));
      return result.rows.map((row) => row['QUERY PLAN']).join('\n');
    });
  }
});
