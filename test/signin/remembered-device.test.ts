import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MINUTE } from '../../src/platform/clock.js';
import { totpCodeAt } from '../../src/methods/totp/totp.js';
import { api, createTestApp, lastCodeTo, signUp, STRONG_PASSWORD, type ListeningTestApp } from '../helpers/app.js';
import type { Listening } from '../helpers/burst.js';
import { SoftAuthenticator, type Knobs } from '../helpers/soft-authenticator.js';

/**
 * SECURITY.md "Every sign-in route goes through the same second-factor rules": a browser remembered for an
 * account ("Don't ask again on this device") skips the second step whichever factor came first — the password,
 * a texted code, or a passkey that did not verify its user — and the session records the remembered device as
 * the factor it stood in for. A way in whose factor is the account's only second step stays closed. Over real
 * HTTP: the service listening on a port, the browser's cookie sent back.
 */
const REMEMBER = '__Host-custos_remember';
const PHONE = '+14155550163';

interface Answer {
  status: number;
  body: any;
  cookies: Map<string, string>;
}

async function post(server: Listening, path: string, body: unknown, cookie?: string): Promise<Answer> {
  const response = await fetch(`${server.baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
    body: JSON.stringify(body),
  });
  const cookies = new Map(response.headers.getSetCookie().map((line) => line.split(';')[0]!.split('=') as [string, string]));
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null, cookies };
}

describe('a remembered device skips the second step after any first factor', () => {
  let t: ListeningTestApp;
  let server: Listening;
  let totpKey: string;
  let device: SoftAuthenticator;

  beforeEach(async () => {
    t = await createTestApp({}, { listen: true });
    server = t;
    // An account with a phone, a passkey and an authenticator app.
    const { token: first } = await signUp(t, { email: 'kim@example.com', phone: PHONE });
    await api(t, 'POST', '/api/v1/account/phone/confirm', { token: first, body: { code: await lastCodeTo(t, PHONE) } });
    const token = (await api(t, 'POST', '/api/v1/step-up', { token: first, body: { password: STRONG_PASSWORD } })).body.session.token;
    device = new SoftAuthenticator(t.config.publicUrl);
    const options = await api(t, 'POST', '/api/v1/passkeys/registration/options', { token, body: {} });
    const added = await api(t, 'POST', '/api/v1/passkeys/registration', { token, body: { flow_id: options.body.flow_id, name: 'Phone', response: device.register(options.body.options) } });
    expect(added.status).toBe(201);
    totpKey = (await api(t, 'POST', '/api/v1/two-step/totp', { token, body: {} })).body.key;
    expect((await api(t, 'POST', '/api/v1/two-step/totp/confirm', { token, body: { code: totpCodeAt(totpKey, t.clock.now()) } })).status).toBe(204);
    t.clock.advance(MINUTE);
  });
  afterEach(() => t.close());

  /** Password, then the authenticator code with "remember this device": the browser's remember cookie. */
  async function rememberThisBrowser(identifier = 'kim@example.com'): Promise<string> {
    const flowId = (await post(server, '/api/v1/signin/flows', {})).body.flow.id;
    await post(server, `/api/v1/signin/flows/${flowId}/identifier`, { identifier });
    expect((await post(server, `/api/v1/signin/flows/${flowId}/password`, { password: STRONG_PASSWORD })).status).toBe(200);
    const done = await post(server, `/api/v1/signin/flows/${flowId}/second-factor`, { method: 'totp', code: totpCodeAt(totpKey, t.clock.now()), remember_device: true });
    expect(done.status).toBe(201);
    t.clock.advance(MINUTE);
    return `${REMEMBER}=${done.cookies.get(REMEMBER)}`;
  }

  async function passkeySignIn(cookie: string | undefined, knobs: Knobs): Promise<Answer> {
    const started = await post(server, '/api/v1/signin/passkey/options', {}, cookie);
    return post(server, '/api/v1/signin/passkey', { flow_id: started.body.flow_id, response: device.authenticate(started.body.options, knobs) }, cookie);
  }

  async function factorsOf(answer: Answer): Promise<string[]> {
    return (await api(t, 'GET', '/api/v1/session', { token: answer.body.session.token })).body.session.factors;
  }

  async function signinMethods(): Promise<string[]> {
    const events = await t.app.deps.db.selectFrom('audit_events').select('detail').where('type', '=', 'signin.succeeded').execute();
    return events.map((event) => JSON.parse(event.detail).method);
  }

  it('a passkey that did not verify its user, in a remembered browser, signs in without the second step', async () => {
    const remembered = await rememberThisBrowser();

    const elsewhere = await passkeySignIn(undefined, { uv: false });
    expect(elsewhere.status).toBe(200);
    expect(elsewhere.body.flow).toMatchObject({ state: 'second_factor', methods: ['totp'] });
    expect(elsewhere.body.session).toBeUndefined();

    const here = await passkeySignIn(remembered, { uv: false });
    expect(here.status).toBe(201);
    expect(here.body.next).toBe('/account');
    expect(await factorsOf(here)).toEqual(['passkey', 'remembered_device']);
    expect(await signinMethods()).toContain('passkey+remembered_device');
  });

  it('the password and a texted code are treated the same way', async () => {
    const remembered = await rememberThisBrowser();

    const flowId = (await post(server, '/api/v1/signin/flows', {}, remembered)).body.flow.id;
    await post(server, `/api/v1/signin/flows/${flowId}/identifier`, { identifier: 'kim@example.com' }, remembered);
    const password = await post(server, `/api/v1/signin/flows/${flowId}/password`, { password: STRONG_PASSWORD }, remembered);
    expect(password.status).toBe(201);
    expect(await factorsOf(password)).toEqual(['password', 'remembered_device']);

    const smsFlow = (await post(server, '/api/v1/signin/flows', {}, remembered)).body.flow.id;
    await post(server, `/api/v1/signin/flows/${smsFlow}/identifier`, { identifier: PHONE }, remembered);
    expect((await post(server, `/api/v1/signin/flows/${smsFlow}/sms-code`, {}, remembered)).status).toBe(204);
    const texted = await post(server, `/api/v1/signin/flows/${smsFlow}/sms-code/verify`, { code: await lastCodeTo(t, PHONE) }, remembered);
    expect(texted.status).toBe(201);
    expect(await factorsOf(texted)).toEqual(['sms', 'remembered_device']);
    expect(await signinMethods()).toEqual(expect.arrayContaining(['password+remembered_device', 'sms+remembered_device']));
  });

  it("another account's remembered browser skips nothing, and a verified passkey needs no remembering", async () => {
    const { token: first } = await signUp(t, { email: 'lee@example.com' });
    const token = (await api(t, 'POST', '/api/v1/step-up', { token: first, body: { password: STRONG_PASSWORD } })).body.session.token;
    const key = (await api(t, 'POST', '/api/v1/two-step/totp', { token, body: {} })).body.key;
    await api(t, 'POST', '/api/v1/two-step/totp/confirm', { token, body: { code: totpCodeAt(key, t.clock.now()) } });
    const leeFlow = (await post(server, '/api/v1/signin/flows', {})).body.flow.id;
    await post(server, `/api/v1/signin/flows/${leeFlow}/identifier`, { identifier: 'lee@example.com' });
    await post(server, `/api/v1/signin/flows/${leeFlow}/password`, { password: STRONG_PASSWORD });
    t.clock.advance(MINUTE);
    const leeDone = await post(server, `/api/v1/signin/flows/${leeFlow}/second-factor`, { method: 'totp', code: totpCodeAt(key, t.clock.now()), remember_device: true });
    const leesBrowser = `${REMEMBER}=${leeDone.cookies.get(REMEMBER)}`;

    expect((await passkeySignIn(leesBrowser, { uv: false })).status).toBe(200);
    const verified = await passkeySignIn(undefined, {});
    expect(verified.status).toBe(201);
    expect(await factorsOf(verified)).toEqual(['passkey']);
  });

  it('an unverified passkey on an account whose only second step is that passkey is refused, remembered browser or not', async () => {
    const { token: first } = await signUp(t, { email: 'pat@example.com' });
    const token = (await api(t, 'POST', '/api/v1/step-up', { token: first, body: { password: STRONG_PASSWORD } })).body.session.token;
    const own = new SoftAuthenticator(t.config.publicUrl);
    const options = await api(t, 'POST', '/api/v1/passkeys/registration/options', { token, body: {} });
    await api(t, 'POST', '/api/v1/passkeys/registration', { token, body: { flow_id: options.body.flow_id, name: 'Key', response: own.register(options.body.options) } });
    const flowId = (await post(server, '/api/v1/signin/flows', {})).body.flow.id;
    await post(server, `/api/v1/signin/flows/${flowId}/identifier`, { identifier: 'pat@example.com' });
    expect((await post(server, `/api/v1/signin/flows/${flowId}/password`, { password: STRONG_PASSWORD })).body.flow.methods).toEqual(['passkey']);
    const challenge = await post(server, `/api/v1/signin/flows/${flowId}/passkey/options`, {});
    const done = await post(server, `/api/v1/signin/flows/${flowId}/passkey`, { response: own.authenticate(challenge.body.options), remember_device: true });
    expect(done.status).toBe(201);
    const remembered = `${REMEMBER}=${done.cookies.get(REMEMBER)}`;

    const started = await post(server, '/api/v1/signin/passkey/options', {}, remembered);
    const refused = await post(server, '/api/v1/signin/passkey', { flow_id: started.body.flow_id, response: own.authenticate(started.body.options, { uv: false }) }, remembered);
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe('signin.user_verification_required');
  });
});
