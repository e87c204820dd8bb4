import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpCodeAt } from '../../src/methods/totp/totp.js';
import { api, createTestApp, signUp, STRONG_PASSWORD, type TestApp } from '../helpers/app.js';

describe('password length follows the number of factors', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('NIST §3.1.1.2: 15 characters while the password is the only factor, 8 once a second factor is enrolled', async () => {
    const short = 'Qz7!vLp2#rWm'; // 12 characters, not on any list
    const { token: first } = await signUp(t, { email: 'length@example.com' });
    const refused = await api(t, 'POST', '/api/v1/account/password', { token: first, body: { current_password: STRONG_PASSWORD, new_password: short } });
    expect(refused.status).toBe(400);
    expect(refused.body.error.fields.new_password).toMatch(/at least 15 characters/);

    const token = (await api(t, 'POST', '/api/v1/step-up', { token: first, body: { password: STRONG_PASSWORD } })).body.session.token;
    const begun = await api(t, 'POST', '/api/v1/two-step/totp', { token, body: {} });
    await api(t, 'POST', '/api/v1/two-step/totp/confirm', { token, body: { code: totpCodeAt(begun.body.key, t.clock.now()) } });
    const accepted = await api(t, 'POST', '/api/v1/account/password', { token, body: { current_password: STRONG_PASSWORD, new_password: short } });
    expect(accepted.status).toBe(200);
  });
});
