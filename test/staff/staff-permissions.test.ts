import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createTestApp, type TestApp } from '../helpers/app.js';
import { staffSession } from '../helpers/staff.js';
import { can, mayGrant, type Permission, type StaffRole } from '../../src/staff/roles.js';

/**
 * SECURITY.md "Access control and data": one permission table, each role holding the one below's; managing staff
 * needs staff.manage, and nobody grants a role above their own. Checked per role over HTTP.
 */
const ROLES: StaffRole[] = ['agent', 'supervisor', 'admin'];
const TABLE: Record<Permission, StaffRole[]> = {
  'customers.search': ['agent', 'supervisor', 'admin'],
  'callers.verify': ['agent', 'supervisor', 'admin'],
  'customers.view': ['agent', 'supervisor', 'admin'],
  'customers.act': ['agent', 'supervisor', 'admin'],
  'recovery.start': ['agent', 'supervisor', 'admin'],
  'fraud.view': ['agent', 'supervisor', 'admin'],
  'recovery.approve': ['supervisor', 'admin'],
  'merges.undo': ['supervisor', 'admin'],
  'staff.manage': ['admin'],
  'staff.audit': ['admin'],
};

describe('the permission table', () => {
  for (const [permission, roles] of Object.entries(TABLE) as Array<[Permission, StaffRole[]]>) {
    for (const role of ROLES) {
      it(`${role} ${roles.includes(role) ? 'may' : 'may not'} ${permission}`, () => {
        expect(can(role, permission)).toBe(roles.includes(role));
      });
    }
  }
  it('grants no role above the granter’s own, and nothing without staff.manage', () => {
    expect(mayGrant('admin', 'admin')).toBe(true);
    expect(mayGrant('admin', 'agent')).toBe(true);
    expect(mayGrant('supervisor', 'agent')).toBe(false);
    expect(mayGrant('agent', 'agent')).toBe(false);
    expect(can('admin' as StaffRole, 'nonsense' as Permission)).toBe(false);
    expect(can('owner' as StaffRole, 'staff.manage')).toBe(false);
  });
});

describe('managing staff over HTTP, per role', () => {
  let t: TestApp;
  const tokens = {} as Record<StaffRole, string>;
  let victimId: string;
  beforeAll(async () => {
    t = await createTestApp();
    for (const role of ROLES) tokens[role] = (await staffSession(t, { role })).token;
    victimId = (await staffSession(t, { role: 'agent' })).staffId;
  });
  afterAll(() => t.close());

  for (const role of ['agent', 'supervisor'] as const) {
    it(`a ${role} can neither list, create, disable, reset nor read the staff audit (403 support.forbidden)`, async () => {
      const token = tokens[role];
      const answers = [
        await api(t, 'GET', '/api/support/v1/staff', { token }),
        await api(t, 'POST', '/api/support/v1/staff', { token, body: { email: `by-${role}@support.example`, name: 'New', role: 'agent' } }),
        await api(t, 'POST', `/api/support/v1/staff/${victimId}/disable`, { token, body: {} }),
        await api(t, 'POST', `/api/support/v1/staff/${victimId}/reset-factors`, { token, body: {} }),
        await api(t, 'GET', '/api/support/v1/staff-audit', { token }),
      ];
      expect(answers.map((a) => [a.status, a.body.error.code])).toEqual(Array(5).fill([403, 'support.forbidden']));
      expect(await t.app.deps.db.selectFrom('staff').select('id').where('email', '=', `by-${role}@support.example`).execute()).toEqual([]);
    });
  }

  it('an admin lists staff, creates an admin (setup link shown once), and reads the audit list', async () => {
    const token = tokens.admin;
    const created = await api(t, 'POST', '/api/support/v1/staff', { token, body: { email: 'New.Admin@Support.example', name: 'New Admin', role: 'admin' } });
    expect(created.status).toBe(201);
    expect(created.body.staff).toMatchObject({ email: 'new.admin@support.example', role: 'admin', status: 'setup' });
    expect(created.body.setup_link).toMatch(/\/support\/setup\?token=[\w-]{43}$/);
    const listed = await api(t, 'GET', '/api/support/v1/staff', { token });
    const row = listed.body.staff.find((s: { id: string }) => s.id === created.body.staff.id);
    expect(row).toMatchObject({ role: 'admin', status: 'setup' });
    expect(JSON.stringify(listed.body)).not.toContain(new URL(created.body.setup_link).searchParams.get('token'));
    const audit = await api(t, 'GET', '/api/support/v1/staff-audit', { token });
    expect(audit.body.events[0]).toMatchObject({ type: 'staff.created', staff_id: created.body.staff.id, detail: { role: 'admin' } });
    // The stored link is a hash.
    const links = await t.app.deps.db.selectFrom('staff_setup_links').select('token_hash').where('staff_id', '=', created.body.staff.id).execute();
    expect(links[0]!.token_hash).not.toBe(new URL(created.body.setup_link).searchParams.get('token'));
  });

  it('refuses bad input with stable codes: a role that does not exist, a taken email, an unknown id', async () => {
    const token = tokens.admin;
    const owner = await api(t, 'POST', '/api/support/v1/staff', { token, body: { email: 'x@support.example', name: 'X', role: 'owner' } });
    expect([owner.status, owner.body.error.code, Object.keys(owner.body.error.fields)]).toEqual([400, 'request.invalid', ['role']]);
    const bad = await api(t, 'POST', '/api/support/v1/staff', { token, body: { email: 'not an email', name: '', role: 'agent' } });
    expect(Object.keys(bad.body.error.fields).sort()).toEqual(['email', 'name']);
    await api(t, 'POST', '/api/support/v1/staff', { token, body: { email: 'twice@support.example', name: 'Twice', role: 'agent' } });
    const twice = await api(t, 'POST', '/api/support/v1/staff', { token, body: { email: 'TWICE@support.example', name: 'Twice', role: 'agent' } });
    expect([twice.status, twice.body.error.code]).toEqual([409, 'staff.email_taken']);
    const unknown = await api(t, 'POST', '/api/support/v1/staff/AAAAAAAAAAAAAAAAAAAAAA/disable', { token, body: {} });
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'staff.not_found']);
    const extra = await api(t, 'POST', '/api/support/v1/staff', { token, body: { email: 'y@support.example', name: 'Y', role: 'agent', status: 'active' } });
    expect(extra.status).toBe(400);
  });

  it('an admin resets a member’s factors: their sessions end and a new link is shown once; then disables them', async () => {
    const member = await staffSession(t, { role: 'supervisor' });
    const reset = await api(t, 'POST', `/api/support/v1/staff/${member.staffId}/reset-factors`, { token: tokens.admin, body: {} });
    expect(reset.status).toBe(200);
    expect(reset.body.staff.status).toBe('setup');
    expect(reset.body.setup_link).toMatch(/token=/);
    expect((await api(t, 'GET', '/api/support/v1/me', { token: member.token })).status).toBe(401);
    expect(await t.app.deps.db.selectFrom('staff_factors').select('id').where('account_id', '=', member.staffId).execute()).toEqual([]);
    const disabled = await api(t, 'POST', `/api/support/v1/staff/${member.staffId}/disable`, { token: tokens.admin, body: {} });
    expect(disabled.body.staff.status).toBe('disabled');
    // The reset's link died with the disable.
    const setup = await api(t, 'POST', '/api/support/v1/setup/authenticator', { body: { token: new URL(reset.body.setup_link).searchParams.get('token') } });
    expect(setup.status).toBe(410);
    const types = (await api(t, 'GET', '/api/support/v1/staff-audit', { token: tokens.admin })).body.events.filter((e: { staff_id: string }) => e.staff_id === member.staffId).map((e: { type: string }) => e.type);
    expect(types).toEqual(expect.arrayContaining(['staff.factors_reset', 'staff.disabled']));
  });
});
