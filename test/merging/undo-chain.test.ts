import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { api, createTestApp, signIn, STRONG_PASSWORD, type TestApp } from '../helpers/app.js';
import { signUpFrom } from '../helpers/fixtures.js';
import { staffSession } from '../helpers/staff.js';
import { confirm, openWindow, readyFlow } from './helpers.js';

/** Undoing merges made in a chain (C into B, then B into A): each account gets back the addresses it had. */
describe('undoing chained merges', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(() => t.close());

  it('SECURITY.md undoing a contact change restores the old contact: undoing B→A, then C→B, gives C its own email back and it signs in again', async () => {
    const a = await signUpFrom(t, { email: 'chain-a@example.com' });
    const b = await signUpFrom(t, { email: 'chain-b@example.com' });
    const c = await signUpFrom(t, { email: 'chain-c@example.com' });
    const cIntoB = await confirm(t, b.token, await readyFlow(t, b.token, 'chain-c@example.com'));
    expect(cIntoB.status).toBe(200);
    const bIntoA = await confirm(t, a.token, await readyFlow(t, a.token, 'chain-b@example.com'));
    expect(bIntoA.status).toBe(200);
    const supervisor = await staffSession(t, { role: 'supervisor' });

    await openWindow(t, supervisor.staffId, a.accountId);
    const first = await api(t, 'POST', `/api/support/v1/merges/${bIntoA.body.merge.id}/undo`, { token: supervisor.token, body: {} });
    expect(first.status).toBe(200);
    // C's email is back on B as what it was there: an alias from C, not B's own.
    const onB = await t.app.deps.db.selectFrom('identifiers').select(['normalized', 'merged_from']).where('account_id', '=', b.accountId).orderBy('normalized').execute();
    expect(onB).toEqual([{ normalized: 'chain-b@example.com', merged_from: null }, { normalized: 'chain-c@example.com', merged_from: c.accountId }]);

    await openWindow(t, supervisor.staffId, b.accountId);
    const second = await api(t, 'POST', `/api/support/v1/merges/${cIntoB.body.merge.id}/undo`, { token: supervisor.token, body: {} });
    expect([second.status, second.body.not_restored]).toEqual([200, []]);
    const onC = await t.app.deps.db.selectFrom('identifiers').select(['normalized', 'merged_from']).where('account_id', '=', c.accountId).execute();
    expect(onC).toEqual([{ normalized: 'chain-c@example.com', merged_from: null }]);
    expect((await signIn(t, 'chain-c@example.com', STRONG_PASSWORD)).status).toBe(201);
  });
});
