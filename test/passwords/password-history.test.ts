import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { api, createTestApp, lastCodeTo, signIn, STRONG_PASSWORD, type TestApp } from '../helpers/app.js';
import { signUpFrom } from '../helpers/fixtures.js';

/**
 * SECURITY.md Recovery: after "This wasn't me" the compromised password is refused on reset — and, with it, the
 * previous five, on reset and on change, with the reason in words. Only argon2 hashes are kept, a few per account.
 */
const PASSWORDS = ['amber otter kiln meadow', 'copper meadow violin sunrise', 'quiet harbour plum lantern', 'silver fern tide orchard', 'maple drum cobalt valley', 'violet anchor dune pepper'];

async function resetTo(t: TestApp, email: string, password: string) {
  const started = await api(t, 'POST', '/api/v1/recovery/password', { body: { identifier: email } });
  const flowId = started.body.flow.id as string;
  const confirmed = await api(t, 'POST', `/api/v1/recovery/password/${flowId}/confirm`, { body: { code: await lastCodeTo(t, email) } });
  expect(confirmed.status).toBe(200);
  return (candidate = password) => api(t, 'POST', `/api/v1/recovery/password/${flowId}/new-password`, { body: { reset_token: confirmed.body.reset_token, password: candidate } });
}

describe('password history', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(() => t.close());

  it('SECURITY.md Recovery: after "This wasn\'t me", the reset refuses the password that was switched off, and says why', async () => {
    const { token } = await signUpFrom(t, { email: 'ada@example.com' });
    expect((await api(t, 'POST', '/api/v1/account/secure', { token, body: {} })).status).toBe(200);

    const choose = await resetTo(t, 'ada@example.com', STRONG_PASSWORD);
    const same = await choose();
    expect(same.status).toBe(400);
    expect(same.body.error.code).toBe('request.invalid');
    expect(same.body.error.fields.password).toMatch(/used this password before.*switched off/);
    // Nothing was changed: the old password still does not sign in.
    expect((await signIn(t, 'ada@example.com', STRONG_PASSWORD)).status).toBe(401);

    expect((await choose(PASSWORDS[0])).status).toBe(200);
    expect((await signIn(t, 'ada@example.com', PASSWORDS[0]!)).status).toBe(201);
  });

  it('SECURITY.md Recovery: the previous five passwords are refused on change and on reset; the sixth-oldest is accepted again', async () => {
    const { token: first, accountId } = await signUpFrom(t, { email: 'ada@example.com' });
    let token = first;
    let current = STRONG_PASSWORD;
    for (const next of PASSWORDS) {
      t.clock.advance(60_000);
      const res = await api(t, 'POST', '/api/v1/account/password', { token, body: { current_password: current, new_password: next } });
      expect(res.status, next).toBe(200);
      token = res.body.session.token;
      current = next;
    }
    // Now: current PASSWORDS[5]; before it PASSWORDS[4..0], then STRONG_PASSWORD.
    for (const old of PASSWORDS.slice(0, 5).reverse().slice(0, 5)) {
      const res = await api(t, 'POST', '/api/v1/account/password', { token, body: { current_password: current, new_password: old } });
      expect(res.status, old).toBe(400);
      expect(res.body.error.fields.new_password).toMatch(/used this password before/);
    }
    const choose = await resetTo(t, 'ada@example.com', PASSWORDS[1]!);
    expect((await choose()).status).toBe(400);
    const history = await t.app.deps.db.selectFrom('password_history').select('password_hash').where('account_id', '=', accountId).execute();
    expect(history.length).toBeLessThanOrEqual(6);
    expect(history.every((row) => row.password_hash.startsWith('$argon2id$'))).toBe(true);
    // Six passwords back is out of the history.
    expect((await choose(STRONG_PASSWORD)).status).toBe(200);
  });
});
