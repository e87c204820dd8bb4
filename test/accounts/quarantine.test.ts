import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { quarantineIdentifier } from '../../src/accounts/quarantine.js';
import { DAY } from '../../src/platform/clock.js';
import { api, createTestApp, lastMessageTo, signUp, STRONG_PASSWORD, type TestApp } from '../helpers/app.js';
import { accountIdOf, countRows } from '../helpers/fixtures.js';

/**
 * SECURITY.md Recovery: an email released by a closed account, or by an alias its customer removed, is held for
 * IDENTIFIER_QUARANTINE_DAYS. Whoever next reads that mailbox cannot make it theirs at once; the account it came
 * from can take it back.
 */
const RELEASED = 'released@example.com';

describe('identifier quarantine', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp({ IDENTIFIER_QUARANTINE_DAYS: '30' });
  });
  afterEach(() => t.close());

  const hold = (accountId: string) => quarantineIdentifier(t.app.deps.db, t.clock, 30, { kind: 'email', normalized: RELEASED, accountId, reason: 'account_closed' });

  it('SECURITY.md Recovery: a held address cannot start a new account — its mailbox is told why, and no code is sent', async () => {
    await hold('acct_closed_long_ago');
    const started = await api(t, 'POST', '/api/v1/signup', { body: { name: 'Next Owner', email: RELEASED, password: STRONG_PASSWORD } });
    // The page answers as for any address: only the mailbox learns the address is held.
    expect(started.status).toBe(202);
    const message = await lastMessageTo(t, RELEASED);
    expect(message?.subject).toBe('This address cannot be used yet');
    expect(message?.text_body).not.toMatch(/\b\d{6}\b/);
    const confirmed = await api(t, 'POST', `/api/v1/signup/${started.body.flow.id}/confirm`, { body: { code: '000000', password: STRONG_PASSWORD } });
    expect(confirmed.status).toBeGreaterThanOrEqual(400);
    expect(confirmed.status).toBeLessThan(500);
    expect(await countRows(t, 'accounts')).toBe(0);
  });

  it('SECURITY.md Recovery: once the hold has ended the address is free for anyone', async () => {
    await hold('acct_closed_long_ago');
    t.clock.advance(30 * DAY + 1);
    await signUp(t, { email: RELEASED });
    expect(await countRows(t, 'accounts')).toBe(1);
  });

  it('SECURITY.md Recovery: the account an address was released from may take it back; another account may not', async () => {
    const owner = await signUp(t, { email: 'owner@example.com' });
    const other = await signUp(t, { email: 'other@example.com' });
    const ownerId = await accountIdOf(t, 'owner@example.com');
    await hold(ownerId);

    const refused = await api(t, 'POST', '/api/v1/account/email', { token: other.token, body: { email: RELEASED } });
    expect(refused.status).toBe(202);
    expect((await lastMessageTo(t, RELEASED))?.text_body).not.toMatch(/\b\d{6}\b/);

    const taken = await api(t, 'POST', '/api/v1/account/email', { token: owner.token, body: { email: RELEASED } });
    expect(taken.status).toBe(202);
    const code = (await lastMessageTo(t, RELEASED))?.text_body.match(/\b(\d{6})\b/)?.[1];
    expect(code).toBeDefined();
    const confirmed = await api(t, 'POST', '/api/v1/account/email/confirm', { token: owner.token, body: { code } });
    expect(confirmed.status).toBeLessThan(300);
    expect(await accountIdOf(t, RELEASED)).toBe(ownerId);
  });
});
