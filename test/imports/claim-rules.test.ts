import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DAY } from '../../src/platform/clock.js';
import { quarantineIdentifier } from '../../src/accounts/quarantine.js';
import { api, createTestApp, lastCodeTo, signIn, STRONG_PASSWORD, type TestApp } from '../helpers/app.js';
import { expectClientError, messagesTo, signUpFrom } from '../helpers/fixtures.js';
import { storeApi, storeKey } from '../helpers/store.js';
import { hashPassword } from '../../src/passwords/hashing.js';
import { importRow } from './import-rows.js';

/**
 * The limits of an imported account's unverified email or phone (a claim): it is honoured only on an account that has
 * no verified contact, never against another account's quarantine hold, never in place of a closed account's own
 * address; and proving it tells the account's contacts.
 */
const IMPORTED_PASSWORD = 'imported orchard compass slowly';

describe('imported claims', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp({ CLOSE_GRACE_DAYS: '30' });
  });
  afterEach(() => t.close());

  async function importCustomer(row: Record<string, unknown>): Promise<string> {
    const res = await storeApi(t, await storeKey(t), 'POST', '/api/store/v1/customer-imports', { body: { customers: [row] } });
    expect(res.body.results[0].status).toBe('imported');
    return res.body.results[0].account_id;
  }
  const verifiedRows = async (normalized: string) =>
    t.app.deps.db.selectFrom('identifiers').select(['account_id', 'verified_at']).where('normalized', '=', normalized).where('verified_at', 'is not', null).execute();
  const startReset = (identifier: string) => api(t, 'POST', '/api/v1/recovery/password', { body: { identifier } });

  it('SECURITY.md Recovery: every recovery notifies all verified addresses — a reset through an imported unverified contact of an account with a verified one is answered as unknown and sends nothing there', async () => {
    const accountId = await importCustomer(importRow(1, {
      emails: [{ address: 'owner@import.example', verified: true }, { address: 'stale@import.example', verified: false }],
      phones: [{ number: '+1 415 555 0134', verified: false }],
      password_hash: await hashPassword(IMPORTED_PASSWORD),
    }));
    for (const identifier of ['stale@import.example', '+14155550134']) {
      const started = await startReset(identifier);
      expect(started.status).toBe(202);
      const flow = await t.app.deps.db.selectFrom('flows').select('account_id').where('id', '=', started.body.flow.id).executeTakeFirstOrThrow();
      expect(flow.account_id).toBeNull();
      expect(await messagesTo(t, identifier)).toHaveLength(0);
      expectClientError(await api(t, 'POST', `/api/v1/recovery/password/${started.body.flow.id}/confirm`, { body: { code: '123456' } }), 400, 'code.invalid');
    }
    // Nor does the sign-in treat it as a claim: the account's password through it fails like an unknown address.
    expect((await signIn(t, 'stale@import.example', IMPORTED_PASSWORD)).status).toBe(401);
    expect(await messagesTo(t, 'stale@import.example')).toHaveLength(0);
    expect(await verifiedRows('stale@import.example')).toHaveLength(0);
    expect(await verifiedRows('+14155550134')).toHaveLength(0);
    // The verified contact still recovers the account.
    const owner = await startReset('owner@import.example');
    const confirmed = await api(t, 'POST', `/api/v1/recovery/password/${owner.body.flow.id}/confirm`, { body: { code: await lastCodeTo(t, 'owner@import.example') } });
    expect(confirmed.status).toBe(200);
    expect((await t.app.deps.db.selectFrom('flows').select('account_id').where('id', '=', owner.body.flow.id).executeTakeFirstOrThrow()).account_id).toBe(accountId);
  });

  it('SECURITY.md Sign-in: alert the customer on every change of sign-in details — proving a claim by reset or by sign-in sends a notice', async () => {
    await importCustomer(importRow(1, { emails: [{ address: 'reset@import.example', verified: false }] }));
    const started = await startReset('reset@import.example');
    expect((await api(t, 'POST', `/api/v1/recovery/password/${started.body.flow.id}/confirm`, { body: { code: await lastCodeTo(t, 'reset@import.example') } })).status).toBe(200);
    expect((await messagesTo(t, 'reset@import.example')).map((m) => m.template)).toContain('claimProvenEmail');

    await importCustomer(importRow(2, { emails: [], phones: [{ number: '+1 415 555 0199', verified: false }], password_hash: await hashPassword(IMPORTED_PASSWORD) }));
    const answered = await signIn(t, '+14155550199', IMPORTED_PASSWORD);
    expect(answered.body.flow).toMatchObject({ state: 'confirm_identifier' });
    const done = await api(t, 'POST', `/api/v1/signin/flows/${answered.body.flow.id}/identifier-code`, { body: { code: await lastCodeTo(t, '+14155550199') } });
    expect(done.status).toBe(201);
    expect((await messagesTo(t, '+14155550199')).map((m) => m.template)).toContain('claimProvenSms');
  });

  it('SECURITY.md Recovery: a released address stays held — proving an imported claim during another account\'s quarantine hold fails and verifies nothing', async () => {
    await importCustomer(importRow(1, { emails: [{ address: 'held@import.example', verified: false }], password_hash: await hashPassword(IMPORTED_PASSWORD) }));
    // Another account released the address after the import (closed, or removed it as an alias): it holds it back.
    const other = await signUpFrom(t, { email: 'other@example.com' });
    await quarantineIdentifier(t.app.deps.db, t.clock, 30, { accountId: other.accountId, kind: 'email', normalized: 'held@import.example', reason: 'account_closed' });

    const started = await startReset('held@import.example');
    const confirmed = await api(t, 'POST', `/api/v1/recovery/password/${started.body.flow.id}/confirm`, { body: { code: await lastCodeTo(t, 'held@import.example') } });
    expectClientError(confirmed, 409, 'recovery.identifier_claimed');
    const answered = await signIn(t, 'held@import.example', IMPORTED_PASSWORD);
    const code = await lastCodeTo(t, 'held@import.example');
    expectClientError(await api(t, 'POST', `/api/v1/signin/flows/${answered.body.flow.id}/identifier-code`, { body: { code } }), 409, 'signin.identifier_claimed');
    expect(await verifiedRows('held@import.example')).toHaveLength(0);

    // Once the hold has run out, the claim can be proven again.
    t.clock.advance(31 * DAY);
    const later = await startReset('held@import.example');
    expect((await api(t, 'POST', `/api/v1/recovery/password/${later.body.flow.id}/confirm`, { body: { code: await lastCodeTo(t, 'held@import.example') } })).status).toBe(200);
    expect(await verifiedRows('held@import.example')).toHaveLength(1);
  });

  it('SECURITY.md Sign-in: lockout must not lock the owner out — a closed account reopens through its own address even when an imported account claims it', async () => {
    const importedId = await importCustomer(importRow(1, { emails: [{ address: 'shared@import.example', verified: false }], password_hash: await hashPassword(IMPORTED_PASSWORD) }));
    // The real owner signs up with the address (claims never block them), then closes the account.
    const owner = await signUpFrom(t, { email: 'shared@import.example' });
    const ownerId = (await verifiedRows('shared@import.example'))[0]!.account_id;
    expect(ownerId).not.toBe(importedId);
    expect((await api(t, 'POST', '/api/v1/account/close', { token: owner.token, body: { confirm: true } })).status).toBe(200);
    const before = (await messagesTo(t, 'shared@import.example')).length;

    const asked = await signIn(t, 'shared@import.example', STRONG_PASSWORD);
    expect(asked.status).toBe(200);
    expect(asked.body.flow).toMatchObject({ state: 'reopen' });
    expect((await messagesTo(t, 'shared@import.example')).length).toBe(before);
    const reopened = await api(t, 'POST', `/api/v1/signin/flows/${asked.body.flow.id}/reopen`, { body: {} });
    expect(reopened.status).toBe(201);
    expect((await api(t, 'GET', '/api/v1/account', { token: reopened.body.session.token })).status).toBe(200);
    const status = async (id: string) => (await t.app.deps.db.selectFrom('accounts').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;
    expect(await status(ownerId)).toBe('active');
    expect((await verifiedRows('shared@import.example')).map((r) => r.account_id)).toEqual([ownerId]);
  });
});
