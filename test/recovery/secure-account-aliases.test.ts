import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { api, createTestApp, type TestApp } from '../helpers/app.js';
import { messagesTo, signUpFrom } from '../helpers/fixtures.js';
import { confirm, readyFlow } from '../merging/helpers.js';

/** "This wasn't me" after someone who held the account merged their own account into it. */
describe('"This wasn\'t me" and merge aliases', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(() => t.close());

  it('SECURITY.md after "This wasn\'t me" the compromised password is refused on reset: every alias a merge brought is removed and held, so a reset through one cannot let the intruder back in', async () => {
    const owner = await signUpFrom(t, { email: 'owner@example.com' });
    await signUpFrom(t, { email: 'intruder@example.com', phone: '+14155550163' });
    // The intruder, holding the owner's session, merges their own account in: their email becomes an alias.
    expect((await confirm(t, owner.token, await readyFlow(t, owner.token, 'intruder@example.com'))).status).toBe(200);
    expect((await api(t, 'GET', '/api/v1/account/aliases', { token: owner.token })).body.aliases).toHaveLength(1);

    expect((await api(t, 'POST', '/api/v1/account/secure', { token: owner.token, body: {} })).status).toBe(200);

    const left = await t.app.deps.db.selectFrom('identifiers').select('normalized').where('account_id', '=', owner.accountId).execute();
    expect(left).toEqual([{ normalized: 'owner@example.com' }]);
    const hold = await t.app.deps.db.selectFrom('identifier_quarantine').select(['reason', 'account_id']).where('normalized', '=', 'intruder@example.com').executeTakeFirstOrThrow();
    expect(hold).toEqual({ reason: 'alias_removed', account_id: owner.accountId });
    expect((await messagesTo(t, 'intruder@example.com')).some((m) => m.template === 'merge_alias_removed')).toBe(true);

    // Forgot password through the former alias: nothing real is sent to it.
    const sentBefore = (await messagesTo(t, 'intruder@example.com')).length;
    expect((await api(t, 'POST', '/api/v1/recovery/password', { body: { identifier: 'intruder@example.com' } })).status).toBe(202);
    expect((await messagesTo(t, 'intruder@example.com')).length).toBe(sentBefore);
  });
});
