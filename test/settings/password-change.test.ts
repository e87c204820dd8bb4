import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { api, createTestApp, lastMessageTo, signIn, STRONG_PASSWORD, type TestApp } from '../helpers/app.js';
import { isRememberedDevice, rememberDeviceForSecondStep } from '../../src/methods/remembered-device/remembered-devices.js';
import { newMessagesTo, signUpFrom } from '../helpers/fixtures.js';

/** ASVS 6.2.3 (needs the current password), 7.4.3 (ends the other sessions), and the account is told by email. */
const NEW_PASSWORD = 'amber otter kiln meadow';

describe('password change', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(() => t.close());

  const change = (token: string, body: Record<string, unknown>) => api(t, 'POST', '/api/v1/account/password', { token, body });

  it('ASVS 6.2.3: changing the password needs the current one', async () => {
    const { token } = await signUpFrom(t, { email: 'ada@example.com' });
    const wrong = await change(token, { current_password: 'not my current password', new_password: NEW_PASSWORD });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.code).toBe('request.invalid');
    const missing = await change(token, { new_password: NEW_PASSWORD });
    expect(missing.status).toBe(400);
    expect(missing.body.error.fields).toHaveProperty('current_password');
    // Nothing changed: the old password still signs in, the new one does not.
    expect((await signIn(t, 'ada@example.com', STRONG_PASSWORD)).status).toBe(201);
    expect((await signIn(t, 'ada@example.com', NEW_PASSWORD)).status).toBe(401);
  });

  it('ASVS 6.2.3: a wrong current password is reported on the current_password field the client sent', async () => {
    const { token } = await signUpFrom(t, { email: 'ada@example.com' });
    const wrong = await change(token, { current_password: 'not my current password', new_password: NEW_PASSWORD });
    expect(wrong.body.error.fields).toHaveProperty('current_password');
    const weak = await change(token, { current_password: STRONG_PASSWORD, new_password: 'short' });
    expect(weak.body.error.fields).toHaveProperty('new_password');
  });

  it('ASVS 6.2.3: with the current password the change works; the new password signs in and the old does not', async () => {
    const { token } = await signUpFrom(t, { email: 'ada@example.com' });
    const res = await change(token, { current_password: STRONG_PASSWORD, new_password: NEW_PASSWORD });
    expect(res.status).toBe(200);
    expect((await signIn(t, 'ada@example.com', NEW_PASSWORD)).status).toBe(201);
    expect((await signIn(t, 'ada@example.com', STRONG_PASSWORD)).status).toBe(401);
  });

  it('ASVS 7.4.3: a password change ends the other sessions and renews this one', async () => {
    const { token } = await signUpFrom(t, { email: 'ada@example.com' });
    const laptop = (await signIn(t, 'ada@example.com', STRONG_PASSWORD)).body.session.token as string;
    const phone = (await signIn(t, 'ada@example.com', STRONG_PASSWORD)).body.session.token as string;
    const res = await change(token, { current_password: STRONG_PASSWORD, new_password: NEW_PASSWORD });
    expect(res.status).toBe(200);
    expect(res.body.ended_sessions).toBe(2);
    expect((await api(t, 'GET', '/api/v1/account', { token: laptop })).status).toBe(401);
    expect((await api(t, 'GET', '/api/v1/account', { token: phone })).status).toBe(401);
    // This session carries on under a new token; the old token is dead.
    expect((await api(t, 'GET', '/api/v1/account', { token })).status).toBe(401);
    expect((await api(t, 'GET', '/api/v1/account', { token: res.body.session.token })).status).toBe(200);
  });

  it('SECURITY.md Passwords: "Changing a password … ends the other sessions" — always, and forgets remembered devices, as a reset does', async () => {
    const { token, accountId } = await signUpFrom(t, { email: 'ada@example.com' });
    const laptop = (await signIn(t, 'ada@example.com', STRONG_PASSWORD)).body.session.token as string;
    const remembered = await rememberDeviceForSecondStep(t.app.deps.db, t.clock, t.app.deps.random, accountId, { ip: '203.0.113.10', userAgent: 'Firefox' });
    // Keeping the other sessions is no longer on offer: whoever knew the old password may be signed in there.
    const keep = await change(token, { current_password: STRONG_PASSWORD, new_password: NEW_PASSWORD, sign_out_other_sessions: false });
    expect(keep.status).toBe(400);
    const res = await change(token, { current_password: STRONG_PASSWORD, new_password: NEW_PASSWORD });
    expect(res.status).toBe(200);
    expect(res.body.ended_sessions).toBe(1);
    expect(res.body.forgotten_devices).toBe(1);
    expect(res.body.message).toMatch(/signed out on every other device/);
    expect((await api(t, 'GET', '/api/v1/account', { token: laptop })).status).toBe(401);
    expect(await isRememberedDevice(t.app.deps.db, t.clock, accountId, remembered.token)).toBe(false);
    const notice = await lastMessageTo(t, 'ada@example.com');
    expect(notice!.text_body).toMatch(/every other device was signed out/);
  });

  it('SECURITY.md Passwords: the account is told by email when its password changes', async () => {
    const { token } = await signUpFrom(t, { email: 'ada@example.com' });
    const { messages } = await newMessagesTo(t, 'ada@example.com', () => change(token, { current_password: STRONG_PASSWORD, new_password: NEW_PASSWORD }));
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ template: 'securityNoticeEmail', subject: 'Your password was changed', channel: 'email' });
    expect(messages[0]!.text_body).not.toContain(NEW_PASSWORD);
    expect(messages[0]!.text_body).not.toContain(STRONG_PASSWORD);
  });

  it('ASVS 6.2.4: the new password must meet the policy; a refused change leaves the old password in place', async () => {
    const { token } = await signUpFrom(t, { email: 'ada@example.com', name: 'Ada Lovelace' });
    for (const weak of ['too short', 'perasperaadastra', 'lovelace harbour lantern']) {
      const res = await change(token, { current_password: STRONG_PASSWORD, new_password: weak });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('request.invalid');
    }
    expect((await signIn(t, 'ada@example.com', STRONG_PASSWORD)).status).toBe(201);
  });
});
