import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { api, createTestApp, signIn, STRONG_PASSWORD, type TestApp } from '../helpers/app.js';
import { MINUTE } from '../../src/platform/clock.js';
import { signUpFrom } from '../helpers/fixtures.js';

/** ASVS 7.5.1: changing email or phone needs a recent sign-in or step-up (STEP_UP_MINUTES, 10 by default). */
describe('step-up before sensitive changes', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(() => t.close());

  const changeEmail = (token: string, email: string) => api(t, 'POST', '/api/v1/account/email', { token, body: { email } });
  const changePhone = (token: string, phone: string) => api(t, 'POST', '/api/v1/account/phone', { token, body: { phone } });

  it('ASVS 7.5.1: changing the email without a recent step-up answers 403 auth.step_up_required and changes nothing', async () => {
    const { token } = await signUpFrom(t, { email: 'ada@example.com' });
    t.clock.advance(10 * MINUTE);
    const res = await changeEmail(token, 'ada-new@example.com');
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('auth.step_up_required');
    const messages = await t.app.deps.db.selectFrom('outbox').select('id').where('recipient', '=', 'ada-new@example.com').execute();
    expect(messages).toEqual([]);
    expect((await api(t, 'GET', '/api/v1/account', { token })).body.account.pending_email).toBeNull();
  });

  it('ASVS 7.5.1: changing or removing the phone without a recent step-up answers 403', async () => {
    const { token } = await signUpFrom(t, { email: 'ada@example.com' });
    t.clock.advance(11 * MINUTE);
    const add = await changePhone(token, '+14155550132');
    expect(add.status).toBe(403);
    expect(add.body.error.code).toBe('auth.step_up_required');
    const remove = await api(t, 'DELETE', '/api/v1/account/phone', { token });
    expect(remove.status).toBe(403);
    expect(remove.body.error.code).toBe('auth.step_up_required');
  });

  it('ASVS 7.5.1: after POST /api/v1/step-up the change works, and after STEP_UP_MINUTES it is required again', async () => {
    const { token } = await signUpFrom(t, { email: 'ada@example.com' });
    t.clock.advance(30 * MINUTE);
    expect((await changeEmail(token, 'ada-new@example.com')).status).toBe(403);

    const stepped = await api(t, 'POST', '/api/v1/step-up', { token, body: { password: STRONG_PASSWORD } });
    expect(stepped.status).toBe(200);
    const fresh = stepped.body.session.token as string;
    expect(new Date(stepped.body.session.step_up_valid_until).getTime()).toBe(t.clock.now() + 10 * MINUTE);
    expect((await changeEmail(fresh, 'ada-new@example.com')).status).toBe(202);

    t.clock.advance(10 * MINUTE - 1000);
    expect((await changePhone(fresh, '+14155550132')).status).toBe(202);
    t.clock.advance(1000);
    const expired = await changeEmail(fresh, 'ada-other@example.com');
    expect(expired.status).toBe(403);
    expect(expired.body.error.code).toBe('auth.step_up_required');
  });

  it('ASVS 7.5.1: a step-up with the wrong password is refused and grants nothing', async () => {
    const { token } = await signUpFrom(t, { email: 'ada@example.com' });
    t.clock.advance(30 * MINUTE);
    const res = await api(t, 'POST', '/api/v1/step-up', { token, body: { password: 'the wrong password entirely' } });
    expect(res.status).toBe(401);
    expect(res.body.session).toBeUndefined();
    expect((await changeEmail(token, 'ada-new@example.com')).status).toBe(403);
  });

  it('ASVS 7.5.1: a fresh sign-in counts as a recent authentication; an old session does not', async () => {
    const { token: old } = await signUpFrom(t, { email: 'ada@example.com' });
    t.clock.advance(60 * MINUTE);
    const fresh = (await signIn(t, 'ada@example.com', STRONG_PASSWORD)).body.session.token as string;
    expect((await changeEmail(old, 'ada-new@example.com')).status).toBe(403);
    expect((await changeEmail(fresh, 'ada-new@example.com')).status).toBe(202);
  });

  it('ASVS 7.5.1: a shorter configured STEP_UP_MINUTES is honoured', async () => {
    const strict = await createTestApp({ STEP_UP_MINUTES: '2' });
    try {
      const { token } = await signUpFrom(strict, { email: 'ada@example.com' });
      strict.clock.advance(2 * MINUTE);
      const res = await api(strict, 'POST', '/api/v1/account/email', { token, body: { email: 'ada-new@example.com' } });
      expect(res.status).toBe(403);
    } finally {
      await strict.close();
    }
  });
});
