import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { api, createTestApp, signIn, STRONG_PASSWORD, type TestApp } from '../helpers/app.js';
import { messagesTo, signUpFrom } from '../helpers/fixtures.js';
import { staffSession } from '../helpers/staff.js';
import { DAY } from '../../src/platform/clock.js';
import { confirm, openWindow, readyFlow, twoAccounts } from './helpers.js';

/** Removing an alias (quarantine, notice) and support undoing a merge within 30 days. */
describe('aliases and undo', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(() => t.close());

  async function merged(tag: string) {
    const accounts = await twoAccounts(t, tag);
    const done = await confirm(t, accounts.a.token, await readyFlow(t, accounts.a.token, accounts.emailB));
    return { ...accounts, mergeId: done.body.merge.id as string };
  }

  it('SECURITY.md every object is checked against its owner: removing an alias stops it signing in, holds it from anyone else, tells the customer; another account’s id is 404', async () => {
    const { a, emailB } = await merged('remove');
    const [alias] = (await api(t, 'GET', '/api/v1/account/aliases', { token: a.token })).body.aliases;
    const stranger = await signUpFrom(t, { email: 'other@example.com' });
    expect((await api(t, 'DELETE', `/api/v1/account/aliases/${alias.id}`, { token: stranger.token })).status).toBe(404);
    expect((await api(t, 'DELETE', `/api/v1/account/aliases/${alias.id}`, { token: a.token })).status).toBe(204);
    expect((await signIn(t, emailB, STRONG_PASSWORD)).status).toBe(401);
    const hold = await t.app.deps.db.selectFrom('identifier_quarantine').selectAll().where('normalized', '=', emailB).executeTakeFirstOrThrow();
    expect(hold).toMatchObject({ reason: 'alias_removed', account_id: a.accountId });
    const signup = await api(t, 'POST', '/api/v1/signup', { body: { name: 'Taker', email: emailB, password: STRONG_PASSWORD } });
    expect(await t.app.deps.db.selectFrom('identifiers').select('id').where('normalized', '=', emailB).where('verified_at', 'is not', null).execute()).toEqual([]);
    expect(signup.status).toBeLessThan(500);
    expect((await messagesTo(t, emailB)).some((m) => m.template === 'merge_alias_removed')).toBe(true);
  });

  it('SECURITY.md staff actions are audited and notify the customer: an agent without merges.undo is refused; a supervisor undoes the merge, orders, identifiers and B come back, both told', async () => {
    const { a, b, orderB, emailA, emailB, mergeId } = await merged('undo');
    const agent = await staffSession(t, { role: 'agent' });
    await openWindow(t, agent.staffId, a.accountId);
    const refused = await api(t, 'POST', `/api/support/v1/merges/${mergeId}/undo`, { token: agent.token, body: {} });
    expect([refused.status, refused.body.error.code]).toEqual([403, 'support.forbidden']);

    const supervisor = await staffSession(t, { role: 'supervisor' });
    const noWindow = await api(t, 'POST', `/api/support/v1/merges/${mergeId}/undo`, { token: supervisor.token, body: {} });
    expect(noWindow.body.error.code).toBe('support.caller_not_verified');
    await openWindow(t, supervisor.staffId, a.accountId);
    const listed = await api(t, 'GET', `/api/support/v1/customers/${a.accountId}/merges`, { token: supervisor.token });
    expect(listed.body.merges).toMatchObject([{ id: mergeId, direction: 'in', state: 'merged' }]);
    const undone = await api(t, 'POST', `/api/support/v1/merges/${mergeId}/undo`, { token: supervisor.token, body: {} });
    expect(undone.status).toBe(200);
    expect(undone.body).toMatchObject({ moved: { orders: 1, identifiers: 1 }, not_restored: [] });

    const order = await t.app.deps.db.selectFrom('orders').select('account_id').where('id', '=', orderB.id).executeTakeFirstOrThrow();
    expect(order.account_id).toBe(b.accountId);
    const account = await t.app.deps.db.selectFrom('accounts').select('status').where('id', '=', b.accountId).executeTakeFirstOrThrow();
    expect(account.status).toBe('active');
    expect(await t.app.deps.db.selectFrom('account_closures').select('account_id').where('account_id', '=', b.accountId).execute()).toEqual([]);
    const me = await api(t, 'GET', '/api/v1/account', { token: (await signIn(t, emailB, STRONG_PASSWORD)).body.session.token });
    expect(me.body.account.email).toBe(emailB);
    expect((await messagesTo(t, emailA)).some((m) => m.template === 'merge_merge_undone')).toBe(true);
    expect((await messagesTo(t, emailB)).some((m) => m.template === 'merge_merge_undone')).toBe(true);
    const staffAudit = await t.app.deps.db.selectFrom('staff_audit').select('type').where('type', '=', 'merge.undone').execute();
    expect(staffAudit).toHaveLength(1);
    const again = await api(t, 'POST', `/api/support/v1/merges/${mergeId}/undo`, { token: supervisor.token, body: {} });
    expect([again.status, again.body.error.code]).toEqual([409, 'merge.already_undone']);
  });

  it('an identifier another account has proven since stays there and is reported', async () => {
    const { a, emailB, mergeId } = await merged('taken');
    const [alias] = (await api(t, 'GET', '/api/v1/account/aliases', { token: a.token })).body.aliases;
    await api(t, 'DELETE', `/api/v1/account/aliases/${alias.id}`, { token: a.token });
    t.clock.advance(29 * DAY);
    // Another account proves the address A gave up (written directly: how long the hold lasts is not this test's point).
    const other = await signUpFrom(t, { email: 'keeper@example.com' });
    await t.app.deps.db.insertInto('identifiers').values({ id: 'idtaken00000000000000', account_id: other.accountId, kind: 'email', value: emailB, normalized: emailB, is_primary: 0, verified_at: t.clock.now(), created_at: t.clock.now() }).execute();
    const supervisor = await staffSession(t, { role: 'supervisor' });
    await openWindow(t, supervisor.staffId, a.accountId);
    const undone = await api(t, 'POST', `/api/support/v1/merges/${mergeId}/undo`, { token: supervisor.token, body: {} });
    expect(undone.body.not_restored).toEqual(['b•••@e•••.com']);
  });

  it('A’s default address stays A’s default after the merge; the undo gives B its default back', async () => {
    const { a, b, emailB } = await twoAccounts(t, 'defaults');
    const address = { full_name: 'Ada Lovelace', line1: '1 Market St', city: 'San Francisco', region: 'California', postal_code: '94103', country: 'US' };
    const mine = (await api(t, 'POST', '/api/v1/addresses', { token: a.token, body: address })).body.address.id as string;
    const theirs = (await api(t, 'POST', '/api/v1/addresses', { token: b.token, body: { ...address, line1: '2 Other St' } })).body.address.id as string;
    const mergeId = (await confirm(t, a.token, await readyFlow(t, a.token, emailB))).body.merge.id as string;
    const flags = async (id: string) => t.app.deps.db.selectFrom('addresses').select(['account_id', 'is_default_shipping', 'is_default_billing']).where('id', '=', id).executeTakeFirstOrThrow();
    expect(await flags(mine)).toMatchObject({ account_id: a.accountId, is_default_shipping: 1, is_default_billing: 1 });
    expect(await flags(theirs)).toMatchObject({ account_id: a.accountId, is_default_shipping: 0, is_default_billing: 0 });
    const supervisor = await staffSession(t, { role: 'supervisor' });
    await openWindow(t, supervisor.staffId, a.accountId);
    expect((await api(t, 'POST', `/api/support/v1/merges/${mergeId}/undo`, { token: supervisor.token, body: {} })).status).toBe(200);
    expect(await flags(theirs)).toMatchObject({ account_id: b.accountId, is_default_shipping: 1, is_default_billing: 1 });
    expect(await flags(mine)).toMatchObject({ account_id: a.accountId, is_default_shipping: 1 });
  });

  it('after 30 days the undo refuses with merge.undo_expired', async () => {
    const { a, mergeId } = await merged('late');
    t.clock.advance(31 * DAY);
    const supervisor = await staffSession(t, { role: 'supervisor' });
    await openWindow(t, supervisor.staffId, a.accountId);
    const res = await api(t, 'POST', `/api/support/v1/merges/${mergeId}/undo`, { token: supervisor.token, body: {} });
    expect([res.status, res.body.error.code]).toEqual([409, 'merge.undo_expired']);
  });
});
