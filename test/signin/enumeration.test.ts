import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { api, createTestApp, lastMessageTo, STRONG_PASSWORD, type TestApp } from '../helpers/app.js';
import { freshIp, median, newMessagesTo, setStatus, signinAtPassword, signUpFrom, submitPassword } from '../helpers/fixtures.js';

/**
 * ASVS 6.3.8 / CS Authentication: an unknown identifier, a wrong password and a locked account answer with the
 * same status, body and (within noise) time, at sign-in and sign-up.
 */
describe('account enumeration', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(() => t.close());

  it('ASVS 6.3.8: unknown email, wrong password and locked account answer alike at sign-in', async () => {
    await signUpFrom(t, { email: 'known@example.com' });
    const { accountId: lockedId } = await signUpFrom(t, { email: 'locked@example.com' });
    await setStatus(t, lockedId, 'locked');

    const unknown = await submitPassword(t, await signinAtPassword(t, 'nobody@example.com'), STRONG_PASSWORD);
    const wrong = await submitPassword(t, await signinAtPassword(t, 'known@example.com'), 'not the right password at all');
    const locked = await submitPassword(t, await signinAtPassword(t, 'locked@example.com'), STRONG_PASSWORD);

    expect(unknown.status).toBe(401);
    expect(wrong.status).toBe(unknown.status);
    expect(locked.status).toBe(unknown.status);
    expect(unknown.body).toEqual({ error: { code: 'signin.failed', message: expect.any(String) } });
    expect(wrong.body).toEqual(unknown.body);
    expect(locked.body).toEqual(unknown.body);
    expect(locked.headers['set-cookie']).toBeUndefined();
  });

  it('ASVS 6.3.8: the identifier step answers the same for a known and an unknown identifier', async () => {
    await signUpFrom(t, { email: 'known@example.com', phone: '+14155550132' });
    const answer = async (identifier: string) => {
      const flow = await api(t, 'POST', '/api/v1/signin/flows', { body: {} });
      const res = await api(t, 'POST', `/api/v1/signin/flows/${flow.body.flow.id}/identifier`, { body: { identifier } });
      return { status: res.status, state: res.body.flow?.state, keys: Object.keys(res.body.flow ?? {}).sort(), idEchoed: res.body.flow?.id === flow.body.flow.id };
    };
    const known = await answer('known@example.com');
    expect(known).toEqual({ status: 200, state: 'password', keys: ['expires_at', 'id', 'state'], idEchoed: true });
    expect(await answer('nobody@example.com')).toEqual(known);
    expect(await answer('+442079460958')).toEqual(known);
  });

  it('ASVS 6.3.8: sign-up with an existing email answers like a new one; the owner is emailed, and no code is sent', async () => {
    await signUpFrom(t, { email: 'owner@example.com' });

    const fresh = await api(t, 'POST', '/api/v1/signup', { ip: freshIp(), body: { name: 'New Person', email: 'new@example.com', password: STRONG_PASSWORD } });
    const { result: taken, messages } = await newMessagesTo(t, 'owner@example.com', () =>
      api(t, 'POST', '/api/v1/signup', { ip: freshIp(), body: { name: 'New Person', email: 'owner@example.com', password: STRONG_PASSWORD } }),
    );

    expect(fresh.status).toBe(202);
    expect(taken.status).toBe(fresh.status);
    expect(Object.keys(taken.body).sort()).toEqual(Object.keys(fresh.body).sort());
    expect(Object.keys(taken.body.flow).sort()).toEqual(Object.keys(fresh.body.flow).sort());
    expect(taken.body.flow.state).toBe(fresh.body.flow.state);
    expect(taken.body.flow.expires_at).toBe(fresh.body.flow.expires_at);
    expect(taken.body.email).toBe('owner@example.com');

    expect(messages.map((m) => m.template)).toEqual(['signupExistingAccountEmail']);
    expect(messages[0]!.text_body).not.toMatch(/\b\d{6}\b/);
    expect((await lastMessageTo(t, 'new@example.com'))?.template).toBe('signupConfirmationEmail');
  });

  it('ASVS 6.3.8: a sign-up resend answers alike for an existing and a new address', async () => {
    await signUpFrom(t, { email: 'owner@example.com' });
    const fresh = await api(t, 'POST', '/api/v1/signup', { ip: freshIp(), body: { name: 'A', email: 'new@example.com', password: STRONG_PASSWORD } });
    const taken = await api(t, 'POST', '/api/v1/signup', { ip: freshIp(), body: { name: 'A', email: 'owner@example.com', password: STRONG_PASSWORD } });
    t.clock.advance(61_000);
    const resendFresh = await api(t, 'POST', `/api/v1/signup/${fresh.body.flow.id}/resend`, { body: {} });
    const { result: resendTaken, messages } = await newMessagesTo(t, 'owner@example.com', () =>
      api(t, 'POST', `/api/v1/signup/${taken.body.flow.id}/resend`, { body: {} }),
    );
    expect(resendFresh.status).toBe(204);
    expect(resendTaken.status).toBe(resendFresh.status);
    expect(resendTaken.body).toEqual(resendFresh.body);
    // The owner was told once; a resend sends them no code.
    expect(messages).toEqual([]);
  });

  it('ASVS 6.3.8: an unknown identifier still costs one password hash (timing within noise of a wrong password)', async () => {
    await signUpFrom(t, { email: 'known@example.com' });
    const timed = async (identifier: string): Promise<number> => {
      // Keep the throttle out of the measurement: every attempt starts from a clean count.
      await t.app.deps.db.deleteFrom('throttles').execute();
      const ip = freshIp();
      const flowId = await signinAtPassword(t, identifier, ip);
      const started = performance.now();
      const res = await submitPassword(t, flowId, 'a wrong password for timing', ip);
      const elapsed = performance.now() - started;
      expect(res.status).toBe(401);
      return elapsed;
    };
    // Warm both paths (JIT, the timing equaliser's own hash) before measuring.
    await timed('nobody@example.com');
    await timed('known@example.com');
    const unknown: number[] = [];
    const known: number[] = [];
    for (let i = 0; i < 5; i++) {
      unknown.push(await timed(`nobody${i}@example.com`));
      known.push(await timed('known@example.com'));
    }
    expect(median(unknown)).toBeGreaterThanOrEqual(median(known) * 0.5);
  });
});
