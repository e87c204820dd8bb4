import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { api, createTestApp, type TestApp } from '../helpers/app.js';
import { messagesTo, signUpFrom } from '../helpers/fixtures.js';
import { quarantineIdentifier } from '../../src/accounts/quarantine.js';
import { confirm, readyFlow } from '../merging/helpers.js';
import { approveOne, call, NEW_EMAIL, recoveryScene, waitAndSendLink, type RecoveryScene } from './recovery-helpers.js';

const NEW_PASSWORD = 'copper meadow whistle brightly';

/** A supervised recovery leaves only the new email: no alias a merge brought, and no address held for someone else. */
describe('supervised recovery, aliases and holds', () => {
  let t: TestApp;
  let s: RecoveryScene;
  beforeEach(async () => {
    t = await createTestApp();
    s = await recoveryScene(t);
  });
  afterEach(async () => t.close());

  it('SECURITY.md a reset ends all sessions and cancels pending email/phone changes (pre-hijacking): completing a recovery removes every merge alias and holds it', async () => {
    await signUpFrom(t, { email: 'taker@example.com' });
    // Whoever briefly held the account merged their own into it before the owner called support.
    expect((await confirm(t, s.customer.token, await readyFlow(t, s.customer.token, 'taker@example.com'))).status).toBe(200);
    await approveOne(t, s);
    const finish = await waitAndSendLink(t);
    expect((await call(t, undefined, 'POST', '/api/support/v1/recoveries/finish', { token: finish, password: NEW_PASSWORD })).status).toBe(204);

    const left = await t.app.deps.db.selectFrom('identifiers').select('normalized').where('account_id', '=', s.customer.accountId).execute();
    expect(left).toEqual([{ normalized: NEW_EMAIL }]);
    const hold = await t.app.deps.db.selectFrom('identifier_quarantine').select(['reason', 'account_id']).where('normalized', '=', 'taker@example.com').executeTakeFirstOrThrow();
    expect(hold).toEqual({ reason: 'alias_removed', account_id: s.customer.accountId });
    const sentBefore = (await messagesTo(t, 'taker@example.com')).length;
    expect((await api(t, 'POST', '/api/v1/recovery/password', { body: { identifier: 'taker@example.com' } })).status).toBe(202);
    expect((await messagesTo(t, 'taker@example.com')).length).toBe(sentBefore);
  });

  it('SECURITY.md a recovery creates nothing on an address that is not free (pre-hijacking): a new email held in quarantine for another account answers 409 recovery.email_taken', async () => {
    const other = await signUpFrom(t, { email: 'someone@example.com' });
    await approveOne(t, s);
    const finish = await waitAndSendLink(t);
    // The new address left another account (an erased one, or a removed alias) and is still held for it.
    await quarantineIdentifier(t.app.deps.db, t.clock, 30, { kind: 'email', normalized: NEW_EMAIL, accountId: other.accountId, reason: 'account_closed' });
    const refused = await call(t, undefined, 'POST', '/api/support/v1/recoveries/finish', { token: finish, password: NEW_PASSWORD });
    expect([refused.status, refused.body.error?.code]).toEqual([409, 'recovery.email_taken']);
    const left = await t.app.deps.db.selectFrom('identifiers').select('normalized').where('account_id', '=', s.customer.accountId).where('kind', '=', 'email').execute();
    expect(left.map((i) => i.normalized)).not.toContain(NEW_EMAIL);
  });
});
