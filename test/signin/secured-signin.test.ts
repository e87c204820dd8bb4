import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { api, createTestApp, signIn as apiSignIn, STRONG_PASSWORD, type TestApp } from '../helpers/app.js';
import { Browser, signIn, signUp } from '../helpers/browser.js';
import { signUpFrom } from '../helpers/fixtures.js';

/**
 * Attack left open by "This wasn't me": a customer whose password was switched off was told only "incorrect"
 * and kept retrying it. The sign-in failure now says, for everyone alike, what to do if we told you your
 * account was secured — true for anyone, so it reveals nothing about whether an account exists or is secured
 * (ASVS 6.3.8: the same answer for an unknown identifier, a wrong password and a locked account).
 */
const HINT = 'If we told you your account was secured, check your email and choose a new password with “Forgot your password?”.';

describe('signing in to a secured account (pages)', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(() => t.close());

  it('attack "switched-off password": the owner is told to check their email and reset, in words an unknown address gets too', async () => {
    const owner = new Browser(t.app);
    await signUp(t, owner, { name: 'Jane Doe', email: 'jane@example.com' });
    await owner.submit('/account/secure', '/account/secure/confirm', {});

    const secured = await signIn(new Browser(t.app), 'jane@example.com', 'velvet harbour quietly juggles');
    const unknown = await signIn(new Browser(t.app), 'nobody@example.com', 'velvet harbour quietly juggles');
    expect(secured.status).toBe(401);
    expect(secured.body).toContain(HINT);
    expect(secured.body).toContain('href="/recovery/password"');
    const comparable = (body: string) => body.replace(/value="[^"]*"/g, '').replace(/jane@example\.com|nobody@example\.com/g, '');
    expect(comparable(secured.body)).toBe(comparable(unknown.body));
  });
});

describe('signing in to a secured account (API)', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(() => t.close());

  it('attack "switched-off password": the API answer carries the same hint, alike for every failure', async () => {
    const { token } = await signUpFrom(t, { email: 'jane@example.com' });
    expect((await api(t, 'POST', '/api/v1/account/secure', { token, body: {} })).status).toBe(200);
    const secured = await apiSignIn(t, 'jane@example.com', STRONG_PASSWORD);
    const unknown = await apiSignIn(t, 'nobody@example.com', STRONG_PASSWORD);
    expect(secured.status).toBe(401);
    expect(secured.body.error.message).toContain(HINT);
    expect(unknown.body).toEqual(secured.body);
  });
});
