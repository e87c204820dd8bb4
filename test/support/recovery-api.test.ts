import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, lastMessageTo, signIn, STRONG_PASSWORD, type TestApp } from '../helpers/app.js';
import { api } from '../helpers/app.js';
import { runRecoveryJob } from '../../src/support/recovery/finish.js';
import { scheduledJobs } from '../../src/scheduled-jobs.js';
import { approveOne, call, cancelTokenFor, EMAIL, evidenceOf, NEW_EMAIL, PHONE, recoveryScene, startOne, waitAndSendLink, type RecoveryScene } from './recovery-helpers.js';

const NEW_PASSWORD = 'copper meadow whistle brightly';

describe('supervised recovery over the API', () => {
  let t: TestApp;
  let s: RecoveryScene;
  beforeEach(async () => {
    t = await createTestApp();
    s = await recoveryScene(t);
  });
  afterEach(async () => t.close());

  it('goes start → approve → full wait → link → new password, and the new address becomes the verified email', async () => {
    const id = await approveOne(t, s);
    const waiting = await call(t, s.supervisor.token, 'GET', `/api/support/v1/recoveries/${id}`);
    expect(waiting.body.recovery).toMatchObject({ state: 'waiting', new_email: NEW_EMAIL, evidence_matched: ['order_number', 'order_amount', 'postcode'] });
    // Every old contact was told, each with a cancel link.
    expect((await lastMessageTo(t, EMAIL))!.text_body).toContain('/support/recoveries/cancel?token=');
    expect((await lastMessageTo(t, PHONE))!.text_body).toContain('/support/recoveries/cancel?token=');
    // Locked during the wait: the customer's live session stops and nobody signs in.
    expect((await api(t, 'GET', '/api/v1/account', { token: s.customer.token })).status).toBe(401);
    expect((await signIn(t, EMAIL, STRONG_PASSWORD)).status).not.toBe(201);

    const finish = await waitAndSendLink(t);
    const done = await call(t, undefined, 'POST', '/api/support/v1/recoveries/finish', { token: finish, password: NEW_PASSWORD });
    expect(done.status).toBe(204);
    const ids = await t.app.deps.db.selectFrom('identifiers').selectAll().where('account_id', '=', s.customer.accountId).execute();
    expect(ids.map((i) => [i.kind, i.normalized, i.verified_at !== null])).toEqual([['email', NEW_EMAIL, true]]);
    // Every contact, old and new, is told it was done.
    for (const to of [EMAIL, PHONE, NEW_EMAIL]) expect((await lastMessageTo(t, to))!.template).toMatch(/supportRecoveryCompleted/);
    expect((await signIn(t, NEW_EMAIL, NEW_PASSWORD)).status).toBe(201);
    const events = await t.app.deps.db.selectFrom('audit_events').select('type').where('account_id', '=', s.customer.accountId).execute();
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['support.recovery_started', 'support.recovery_approved', 'support.recovery_completed']));
    const staffAudit = await t.app.deps.db.selectFrom('staff_audit').select('type').execute();
    expect(staffAudit.map((e) => e.type)).toEqual(expect.arrayContaining(['recovery.started', 'recovery.approved', 'recovery.completed']));
  });

  it('completion removes every session, remembered device and second step', async () => {
    const now = t.clock.now();
    const a = s.customer.accountId;
    const db = t.app.deps.db;
    await db.insertInto('factors').values({ id: 'f1', account_id: a, kind: 'totp', label: 'Phone app', secret_sealed: null, last_used_step: null, credential_id: null, public_key: null, sign_count: null, transports: null, user_verified: null, confirmed_at: now, created_at: now, last_used_at: null }).execute();
    await db.insertInto('backup_codes').values({ id: 'bc1', account_id: a, code_hash: 'x', key_id: null, used_at: null, created_at: now }).execute();
    await db.insertInto('remembered_devices').values({ id: 'rd1', account_id: a, token_hash: 'h', device: 'Firefox', place: 'Here', created_at: now, expires_at: now + 90 * 86_400_000, revoked_at: null }).execute();
    await approveOne(t, s);
    const finish = await waitAndSendLink(t);
    expect((await call(t, undefined, 'POST', '/api/support/v1/recoveries/finish', { token: finish, password: NEW_PASSWORD })).status).toBe(204);
    expect(await db.selectFrom('remembered_devices').select('id').where('account_id', '=', a).where('revoked_at', 'is', null).execute()).toEqual([]);
    expect(await db.selectFrom('factors').select('id').where('account_id', '=', s.customer.accountId).execute()).toEqual([]);
    expect(await db.selectFrom('backup_codes').select('id').where('account_id', '=', s.customer.accountId).execute()).toEqual([]);
    expect(await db.selectFrom('sessions').select('id').where('account_id', '=', s.customer.accountId).where('ended_at', 'is', null).execute()).toEqual([]);
    expect((await db.selectFrom('accounts').select('status').where('id', '=', s.customer.accountId).executeTakeFirst())!.status).toBe('active');
  });

  it('evidence that does not all match is refused without saying which part, and is never echoed', async () => {
    const wrong = await call(t, s.agent.token, 'POST', `/api/support/v1/customers/${s.customer.accountId}/recoveries`, { ticket: 'T-1', new_email: NEW_EMAIL, evidence: evidenceOf(s, { postcode: '10001' }) });
    expect(wrong.status).toBe(422);
    expect(wrong.body.error.code).toBe('recovery.evidence_mismatch');
    expect(JSON.stringify(wrong.body)).not.toContain('62704');
    const badEmail = await call(t, s.agent.token, 'POST', `/api/support/v1/customers/${s.customer.accountId}/recoveries`, { ticket: 'T-1', new_email: 'not an email', evidence: evidenceOf(s) });
    expect(badEmail.status).toBe(400);
  });

  it('guessing the evidence is limited per customer', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      const r = await call(t, s.agent.token, 'POST', `/api/support/v1/customers/${s.customer.accountId}/recoveries`, { ticket: 'T-1', new_email: NEW_EMAIL, evidence: evidenceOf(s, { order_amount: `${i}.00` }) });
      statuses.push(r.status);
    }
    expect(statuses.slice(0, 10).every((x) => x === 422)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
  });

  it('a new email that belongs to an account already is refused', async () => {
    const r = await call(t, s.agent.token, 'POST', `/api/support/v1/customers/${s.customer.accountId}/recoveries`, { ticket: 'T-1', new_email: EMAIL, evidence: evidenceOf(s) });
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe('recovery.email_taken');
  });

  it('one open recovery per customer', async () => {
    await startOne(t, s);
    const again = await call(t, s.agent.token, 'POST', `/api/support/v1/customers/${s.customer.accountId}/recoveries`, { ticket: 'T-2', new_email: 'other@example.net', evidence: evidenceOf(s) });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('recovery.already_open');
  });

  it('an old contact cancels with one click, without signing in: the account is as it was', async () => {
    const id = await approveOne(t, s);
    const token = await cancelTokenFor(t);
    expect((await call(t, undefined, 'POST', '/api/support/v1/recoveries/cancel', { token })).status).toBe(204);
    expect((await call(t, s.supervisor.token, 'GET', `/api/support/v1/recoveries/${id}`)).body.recovery.state).toBe('cancelled');
    expect((await lastMessageTo(t, EMAIL))!.template).toBe('supportRecoveryCancelled');
    const audit = await t.app.deps.db.selectFrom('staff_audit').select(['type', 'actor_id']).where('type', '=', 'recovery.cancelled').execute();
    expect(audit).toEqual([{ type: 'recovery.cancelled', actor_id: null }]);
    const activity = await t.app.deps.db.selectFrom('audit_events').select('type').where('account_id', '=', s.customer.accountId).where('type', '=', 'support.recovery_cancelled').execute();
    expect(activity).toHaveLength(1);
    expect((await signIn(t, EMAIL, STRONG_PASSWORD)).status).toBe(201);
  });

  it('the supervisors list every recovery; an agent sees only their own', async () => {
    const id = await startOne(t, s);
    expect((await call(t, s.supervisor.token, 'GET', '/api/support/v1/recoveries')).body.recoveries.map((r: { id: string }) => r.id)).toEqual([id]);
    expect((await call(t, s.agent.token, 'GET', '/api/support/v1/recoveries')).status).toBe(403);
    expect((await call(t, s.agent.token, 'GET', `/api/support/v1/recoveries/${id}`)).status).toBe(200);
  });

  it('the link job is one of the scheduled jobs, run by the leased runner', async () => {
    expect(scheduledJobs(t.app.deps).map((j) => j.name)).toContain('support-recovery-links');
    expect(await runRecoveryJob(t.app.deps)).toBe(0);
  });
});
