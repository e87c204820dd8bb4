import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { api, createTestApp, signUp, STRONG_PASSWORD, type TestApp } from '../helpers/app.js';
import { setUpStaff, staffSession } from '../helpers/staff.js';
import { totpCodeAt } from '../../src/methods/totp/totp.js';
import { MINUTE, HOUR } from '../../src/platform/clock.js';

/**
 * Staff sign-in over HTTP: email and password, then an authenticator code, through the customers' sign-in
 * methods and attempt gate on staff scopes; staff sessions of their own (12 h absolute, 30 min idle).
 */
async function signInStaff(t: TestApp, email: string, password: string, totpKey: string) {
  const first = await api(t, 'POST', '/api/support/v1/signin', { body: { email, password } });
  expect(first.status).toBe(200);
  t.clock.advance(30_000);
  const second = await api(t, 'POST', '/api/support/v1/signin/second-factor', { body: { ticket: first.body.ticket, method: 'totp', code: totpCodeAt(totpKey, t.clock.now()) } });
  expect(second.status).toBe(201);
  return { ticket: first.body.ticket as string, token: second.body.session.token as string, second };
}

describe('staff sign-in', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(() => t.close());

  it('signs in with password then authenticator code, offers only methods that serve staff, and signs out', async () => {
    const member = await setUpStaff(t, { role: 'agent', name: 'Ada Agent' });
    const first = await api(t, 'POST', '/api/support/v1/signin', { body: { email: member.email.toUpperCase(), password: STRONG_PASSWORD } });
    expect(first.status).toBe(200);
    expect(first.body.methods).toEqual(['totp']);
    // The ticket is not a session.
    expect((await api(t, 'GET', '/api/support/v1/me', { token: first.body.ticket })).status).toBe(401);
    t.clock.advance(30_000);
    const second = await api(t, 'POST', '/api/support/v1/signin/second-factor', { body: { ticket: first.body.ticket, method: 'totp', code: totpCodeAt(member.totpKey, t.clock.now()) } });
    expect(second.status).toBe(201);
    expect(String(second.headers['set-cookie'])).toMatch(/__Host-custos_staff=.*HttpOnly.*SameSite=Strict/i);
    const token = second.body.session.token as string;
    expect(token.split('.')[0]).toBe(first.body.ticket.split('.')[0]);
    // The ticket's old secret no longer works, for either step.
    expect((await api(t, 'GET', '/api/support/v1/me', { token: first.body.ticket })).status).toBe(401);
    const replay = await api(t, 'POST', '/api/support/v1/signin/second-factor', { body: { ticket: first.body.ticket, method: 'totp', code: '000000' } });
    expect(replay.status).toBe(401);

    const me = await api(t, 'GET', '/api/support/v1/me', { token });
    expect(me.body.staff).toMatchObject({ id: member.staffId, name: 'Ada Agent', role: 'agent' });
    expect(me.body.permissions).toContain('customers.search');
    expect(me.body.permissions).not.toContain('recovery.approve');

    expect((await api(t, 'POST', '/api/support/v1/signout', { token, body: {} })).status).toBe(204);
    expect((await api(t, 'GET', '/api/support/v1/me', { token })).status).toBe(401);
    const types = (await t.app.deps.db.selectFrom('staff_audit').select('type').where('staff_id', '=', member.staffId).execute()).map((r) => r.type);
    expect(types).toEqual(expect.arrayContaining(['staff.created', 'staff.setup_completed', 'staff.signin', 'staff.signout']));
  });

  it('ASVS 6.3.8: unknown email, wrong password and unfinished setup answer alike, each audited in the staff list', async () => {
    const member = await setUpStaff(t, { role: 'agent' });
    const unknown = await api(t, 'POST', '/api/support/v1/signin', { body: { email: 'nobody@support.example', password: STRONG_PASSWORD } });
    const wrong = await api(t, 'POST', '/api/support/v1/signin', { body: { email: member.email, password: 'not the password at all' } });
    expect(unknown.status).toBe(401);
    expect(wrong.status).toBe(401);
    expect(unknown.body).toEqual(wrong.body);
    expect(wrong.body.error.code).toBe('signin.failed');
    const failures = await t.app.deps.db.selectFrom('staff_audit').select(['staff_id', 'detail']).where('type', '=', 'staff.signin_failed').execute();
    expect(failures.map((f) => JSON.parse(f.detail!).reason).sort()).toEqual(['unknown_account', 'wrong_password']);
    // Nothing reached the customers' audit trail as a failed sign-in of some account.
    expect(await t.app.deps.db.selectFrom('audit_events').select('id').where('type', '=', 'signin.failed').execute()).toEqual([]);
  });

  it('refuses a wrong or replayed authenticator code and an SMS or backup-code method', async () => {
    const member = await setUpStaff(t, { role: 'agent' });
    const first = await api(t, 'POST', '/api/support/v1/signin', { body: { email: member.email, password: STRONG_PASSWORD } });
    // The setup claimed this step's code: the same code again is a replay.
    const replayed = await api(t, 'POST', '/api/support/v1/signin/second-factor', { body: { ticket: first.body.ticket, method: 'totp', code: totpCodeAt(member.totpKey, t.clock.now()) } });
    expect(replayed.status).toBe(401);
    for (const method of ['sms', 'backup_code', 'remembered_device']) {
      expect((await api(t, 'POST', '/api/support/v1/signin/second-factor', { body: { ticket: first.body.ticket, method, code: '123456' } })).status).toBe(400);
    }
    t.clock.advance(11 * MINUTE);
    const expired = await api(t, 'POST', '/api/support/v1/signin/second-factor', { body: { ticket: first.body.ticket, method: 'totp', code: totpCodeAt(member.totpKey, t.clock.now()) } });
    expect(expired.status).toBe(401);
    expect(expired.body.error.code).toBe('staff.signin_expired');
  });

  it('ASVS 7.3.1/7.3.2: staff sessions end after 30 idle minutes and after 12 hours however busy', async () => {
    const member = await setUpStaff(t, { role: 'agent' });
    const idle = (await signInStaff(t, member.email, STRONG_PASSWORD, member.totpKey)).token;
    t.clock.advance(31 * MINUTE);
    expect((await api(t, 'GET', '/api/support/v1/me', { token: idle })).status).toBe(401);

    const busy = (await signInStaff(t, member.email, STRONG_PASSWORD, member.totpKey)).token;
    for (let elapsed = 0; elapsed < 12 * HOUR - 20 * MINUTE; elapsed += 20 * MINUTE) {
      t.clock.advance(20 * MINUTE);
      expect((await api(t, 'GET', '/api/support/v1/me', { token: busy })).status).toBe(200);
    }
    t.clock.advance(21 * MINUTE);
    expect((await api(t, 'GET', '/api/support/v1/me', { token: busy })).status).toBe(401);
  });

  it('a disabled staff member is refused at once: live sessions stop and the password no longer signs in', async () => {
    const admin = await staffSession(t, { role: 'admin' });
    const member = await setUpStaff(t, { role: 'agent' });
    const { token } = await signInStaff(t, member.email, STRONG_PASSWORD, member.totpKey);
    expect((await api(t, 'POST', `/api/support/v1/staff/${member.staffId}/disable`, { token: admin.token, body: {} })).status).toBe(200);
    expect((await api(t, 'GET', '/api/support/v1/me', { token })).status).toBe(401);
    const again = await api(t, 'POST', '/api/support/v1/signin', { body: { email: member.email, password: STRONG_PASSWORD } });
    expect(again.status).toBe(401);
    expect(again.body.error.code).toBe('signin.failed');
  });

  it('a disabled member whose session row is somehow still open is refused by the status check on every request', async () => {
    const { staffId, token } = await staffSession(t, { role: 'agent' });
    await t.app.deps.db.updateTable('staff').set({ status: 'disabled' }).where('id', '=', staffId).execute();
    expect((await api(t, 'GET', '/api/support/v1/me', { token })).status).toBe(401);
  });
});

describe('staff and customer tokens never mix', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(() => t.close());

  it('a customer token never passes the staff guard, and a staff token never passes the customer guards', async () => {
    const customer = await signUp(t, { email: 'shopper@example.com' });
    const staff = await staffSession(t, { role: 'admin' });
    expect((await api(t, 'GET', '/api/v1/account', { token: customer.token })).status).toBe(200);
    expect((await api(t, 'GET', '/api/support/v1/me', { token: staff.token })).status).toBe(200);

    for (const path of ['/api/support/v1/me', '/api/support/v1/staff', '/api/support/v1/staff-audit']) {
      expect((await api(t, 'GET', path, { token: customer.token })).status).toBe(401);
    }
    expect((await api(t, 'POST', '/api/support/v1/staff', { token: customer.token, body: { email: 'x@support.example', name: 'X', role: 'agent' } })).status).toBe(401);
    for (const path of ['/api/v1/account', '/api/v1/sessions']) {
      expect((await api(t, 'GET', path, { token: staff.token })).status).toBe(401);
    }
    // Cookies too: each guard reads only its own.
    const asCookie = (name: string, token: string) => t.app.fastify.inject({ method: 'GET', url: '/api/support/v1/me', cookies: { [name]: token } });
    expect((await asCookie('__Host-custos_session', customer.token)).statusCode).toBe(401);
    expect((await asCookie('__Host-custos_staff', staff.token)).statusCode).toBe(200);
    const customerWithStaffCookie = await t.app.fastify.inject({ method: 'GET', url: '/api/v1/account', cookies: { '__Host-custos_staff': staff.token, '__Host-custos_session': staff.token } });
    expect(customerWithStaffCookie.statusCode).toBe(401);
  });

  it('a customer password never signs in as staff with the same email, and the reverse', async () => {
    await signUp(t, { email: 'both@example.com', password: 'granite meadow whistle orbit' });
    await setUpStaff(t, { role: 'agent', email: 'both@example.com' });
    const staffWithCustomerPassword = await api(t, 'POST', '/api/support/v1/signin', { body: { email: 'both@example.com', password: 'granite meadow whistle orbit' } });
    expect(staffWithCustomerPassword.status).toBe(401);
    const flow = await api(t, 'POST', '/api/v1/signin/flows', { body: {} });
    await api(t, 'POST', `/api/v1/signin/flows/${flow.body.flow.id}/identifier`, { body: { identifier: 'both@example.com' } });
    const customerWithStaffPassword = await api(t, 'POST', `/api/v1/signin/flows/${flow.body.flow.id}/password`, { body: { password: STRONG_PASSWORD } });
    expect(customerWithStaffPassword.status).toBe(401);
  });
});
