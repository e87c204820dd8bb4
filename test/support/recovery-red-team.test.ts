import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, lastCodeTo, lastMessageTo, type ListeningTestApp } from '../helpers/app.js';
import { staffSession } from '../helpers/staff.js';
import { loadConfig } from '../../src/config.js';
import { runRecoveryJob } from '../../src/support/recovery/finish.js';
import { markApproved } from '../../src/support/recovery/store.js';
import { verifyCaller } from './support-fixtures.js';
import { approveOne, call, cancelTokenFor, EMAIL, evidenceOf, NEW_EMAIL, recoveryScene, startOne, tokenIn, waitAndSendLink, type RecoveryScene } from './recovery-helpers.js';

/**
 * Supervised recovery attacked: four eyes, the wait, cancel, and the link (SECURITY.md "Recovery"). The races
 * go over real HTTP against a listening server, every request at once.
 */
const NEW_PASSWORD = 'copper meadow whistle brightly';

async function post(t: ListeningTestApp, path: string, body: unknown, bearer?: string): Promise<number> {
  const response = await fetch(`${t.baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
    body: JSON.stringify(body),
  });
  await response.text();
  return response.status;
}

describe('supervised recovery red team', () => {
  let t: ListeningTestApp;
  let s: RecoveryScene;
  beforeEach(async () => {
    t = await createTestApp({}, { listen: true });
    s = await recoveryScene(t);
  });
  afterEach(async () => t.close());

  it('a supervisor cannot approve their own recovery — not through the API, not in the store', async () => {
    const id = await startOne(t, s, s.supervisor.token);
    const own = await call(t, s.supervisor.token, 'POST', `/api/support/v1/recoveries/${id}/approve`, {});
    expect(own.status).toBe(403);
    expect(own.body.error.code).toBe('recovery.four_eyes');
    // The conditional update refuses it as well, whatever route reaches it.
    expect(await markApproved(t.app.deps.db, id, { approvedBy: s.supervisor.staffId, now: t.clock.now(), waitUntil: t.clock.now(), priorStatus: 'active' })).toBe(false);
    expect((await call(t, s.otherSupervisor.token, 'GET', `/api/support/v1/recoveries/${id}`)).body.recovery.state).toBe('awaiting_approval');
  });

  it('an agent cannot approve', async () => {
    const id = await startOne(t, s);
    const other = await staffSession(t, { role: 'agent' });
    for (const token of [s.agent.token, other.token]) {
      const r = await call(t, token, 'POST', `/api/support/v1/recoveries/${id}/approve`, {});
      expect(r.status).toBe(403);
      expect(r.body.error.code).toBe('support.forbidden');
    }
  });

  it('a customer session or no session reaches no staff recovery route', async () => {
    const id = await startOne(t, s);
    for (const token of [s.customer.token, undefined]) {
      expect((await call(t, token, 'POST', `/api/support/v1/recoveries/${id}/approve`, {})).status).toBe(401);
      expect((await call(t, token, 'GET', '/api/support/v1/recoveries')).status).toBe(401);
    }
  });

  it('the wait cannot be shortened: config refuses under 24 hours, the API takes no wait, and the job waits the full period', async () => {
    expect(loadConfig({ ...process.env, NODE_ENV: 'test' }).supportRecoveryWaitHours).toBe(72);
    expect(() => loadConfig({ ...process.env, NODE_ENV: 'test', SUPPORT_RECOVERY_WAIT_HOURS: '1' })).toThrow(/SUPPORT_RECOVERY_WAIT_HOURS/);
    expect(() => loadConfig({ ...process.env, NODE_ENV: 'test', SUPPORT_RECOVERY_WAIT_HOURS: '0' })).toThrow();
    const id = await startOne(t, s);
    const withWait = await call(t, s.supervisor.token, 'POST', `/api/support/v1/recoveries/${id}/approve`, { wait_hours: 0 });
    expect(withWait.status).toBe(400);
    const started = await call(t, s.agent.token, 'POST', `/api/support/v1/customers/${s.customer.accountId}/recoveries`, { ticket: 'T-9', new_email: 'x@example.net', evidence: evidenceOf(s), wait_until: 0 });
    expect(started.status).toBe(400);
    expect((await call(t, s.supervisor.token, 'POST', `/api/support/v1/recoveries/${id}/approve`, {})).status).toBe(200);
    // An admin has no route to move it either: approve again is refused, and one minute short sends nothing.
    const admin = await staffSession(t, { role: 'admin' });
    expect((await call(t, admin.token, 'POST', `/api/support/v1/recoveries/${id}/approve`, {})).status).toBe(409);
    t.clock.advance(72 * 3_600_000 - 60_000);
    expect(await runRecoveryJob(t.app.deps)).toBe(0);
    expect(await lastMessageTo(t, NEW_EMAIL)).toBeUndefined();
    t.clock.advance(60_000);
    expect(await runRecoveryJob(t.app.deps)).toBe(1);
    expect((await lastMessageTo(t, NEW_EMAIL))!.template).toBe('supportRecoveryLink');
  });

  it('an unapproved recovery never sends a link, however long it waits', async () => {
    await startOne(t, s);
    t.clock.advance(30 * 24 * 3_600_000);
    expect(await runRecoveryJob(t.app.deps)).toBe(0);
    expect(await lastMessageTo(t, NEW_EMAIL)).toBeUndefined();
  });

  it('a cancelled recovery cannot complete, and a cancel link works once', async () => {
    await approveOne(t, s);
    const cancel = await cancelTokenFor(t);
    t.clock.advance(72 * 3_600_000);
    await runRecoveryJob(t.app.deps);
    const finish = tokenIn((await lastMessageTo(t, NEW_EMAIL))!.text_body, 'finish');
    expect(await post(t, '/api/support/v1/recoveries/cancel', { token: cancel })).toBe(204);
    expect(await post(t, '/api/support/v1/recoveries/cancel', { token: cancel })).toBe(410);
    expect(await post(t, '/api/support/v1/recoveries/finish', { token: finish, password: NEW_PASSWORD })).toBe(410);
    const emails = await t.app.deps.db.selectFrom('identifiers').select('normalized').where('account_id', '=', s.customer.accountId).where('kind', '=', 'email').execute();
    expect(emails.map((e) => e.normalized)).not.toContain(NEW_EMAIL);
  });

  it('the link works once, for that address only', async () => {
    await approveOne(t, s);
    const finish = await waitAndSendLink(t);
    expect(await post(t, '/api/support/v1/recoveries/finish', { token: finish, password: NEW_PASSWORD, email: 'attacker@example.org' })).toBe(400);
    expect(await post(t, '/api/support/v1/recoveries/finish', { token: finish, password: NEW_PASSWORD })).toBe(204);
    expect(await post(t, '/api/support/v1/recoveries/finish', { token: finish, password: 'another fine long passphrase' })).toBe(410);
    expect(await post(t, '/api/support/v1/recoveries/finish', { token: `${finish}x`, password: NEW_PASSWORD })).toBe(410);
    const emails = await t.app.deps.db.selectFrom('identifiers').select('normalized').where('account_id', '=', s.customer.accountId).execute();
    expect(emails.map((e) => e.normalized)).toEqual([NEW_EMAIL]);
  });

  it('two hundred approvals at once, from two supervisors: one approves, one warning per old contact', async () => {
    const id = await startOne(t, s);
    const statuses = await Promise.all(Array.from({ length: 200 }, (_, i) => post(t, `/api/support/v1/recoveries/${id}/approve`, {}, i % 2 ? s.supervisor.token : s.otherSupervisor.token)));
    expect(statuses.filter((x) => x === 200)).toHaveLength(1);
    expect(statuses.every((x) => x === 200 || x === 409)).toBe(true);
    const cancels = await t.app.deps.db.selectFrom('support_recovery_cancels').select('token_hash').execute();
    expect(cancels).toHaveLength(2);
  });

  it('cancel racing completion: exactly one wins', async () => {
    await approveOne(t, s);
    const cancel = await cancelTokenFor(t);
    const finish = await waitAndSendLink(t);
    const [cancelled, completed] = await Promise.all([
      post(t, '/api/support/v1/recoveries/cancel', { token: cancel }),
      post(t, '/api/support/v1/recoveries/finish', { token: finish, password: NEW_PASSWORD }),
    ]);
    expect([cancelled, completed].filter((x) => x === 204)).toHaveLength(1);
    const row = await t.app.deps.db.selectFrom('support_recoveries').select('state').executeTakeFirst();
    expect(row!.state).toBe(cancelled === 204 ? 'cancelled' : 'completed');
  });

  it('two hundred uses of one link at once: one recovers the account', async () => {
    await approveOne(t, s);
    const finish = await waitAndSendLink(t);
    const statuses = await Promise.all(Array.from({ length: 200 }, () => post(t, '/api/support/v1/recoveries/finish', { token: finish, password: NEW_PASSWORD })));
    expect(statuses.filter((x) => x === 204)).toHaveLength(1);
    expect(statuses.filter((x) => x !== 204 && x !== 410), JSON.stringify(statuses.filter((x) => x !== 204 && x !== 410))).toEqual([]);
  });

  it('the account is locked for changes during the wait: a password reset through the old email is refused', async () => {
    await approveOne(t, s);
    const started = await call(t, undefined, 'POST', '/api/v1/recovery/password', { identifier: EMAIL });
    const code = await lastCodeTo(t, EMAIL);
    const proof = await call(t, undefined, 'POST', `/api/v1/recovery/password/${started.body.flow.id}/confirm`, { code });
    const changed = await call(t, undefined, 'POST', `/api/v1/recovery/password/${started.body.flow.id}/new-password`, { reset_token: proof.body.reset_token, password: NEW_PASSWORD });
    expect(changed.status).toBe(409);
    expect(changed.body.error.code).toBe('account.locked');
  });

  it('the account stays locked for the whole wait: an agent with a verified caller cannot unlock it', async () => {
    await approveOne(t, s);
    const other = await staffSession(t, { role: 'agent' });
    const { customerId } = await verifyCaller(t, other.token, EMAIL);
    const unlocked = await call(t, other.token, 'POST', `/api/support/v1/customers/${customerId}/unlock`, {});
    expect(unlocked.status).toBe(409);
    expect(unlocked.body.error.code).toBe('support.recovery_waiting');
    const account = await t.app.deps.db.selectFrom('accounts').select('status').where('id', '=', customerId).executeTakeFirstOrThrow();
    expect(account.status).toBe('locked');
  });
});
