import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MINUTE } from '../../src/platform/clock.js';
import { totpCodeAt } from '../../src/methods/totp/totp.js';
import { api, createTestApp, lastMessageTo, signIn, signUp, STRONG_PASSWORD, type JsonResponse, type TestApp } from '../helpers/app.js';
import { SoftAuthenticator, type Knobs } from '../helpers/soft-authenticator.js';

/**
 * Passkeys end to end over the JSON API, with real WebAuthn responses from a software authenticator: adding,
 * naming and removing them, signing in with one alone, and using one as the second step.
 */
async function stepUp(t: TestApp, token: string): Promise<string> {
  const confirmed = await api(t, 'POST', '/api/v1/step-up', { token, body: { password: STRONG_PASSWORD } });
  expect(confirmed.status).toBe(200);
  return confirmed.body.session.token;
}

async function addPasskey(t: TestApp, token: string, device: SoftAuthenticator, knobs: Knobs = {}, name = 'Laptop'): Promise<JsonResponse> {
  const options = await api(t, 'POST', '/api/v1/passkeys/registration/options', { token, body: { name } });
  expect(options.status).toBe(200);
  return api(t, 'POST', '/api/v1/passkeys/registration', { token, body: { flow_id: options.body.flow_id, name, response: device.register(options.body.options, knobs) } });
}

/** An account with one passkey; returns a fresh token and the authenticator holding it. */
async function withPasskey(t: TestApp, email: string): Promise<{ token: string; device: SoftAuthenticator }> {
  const { token: first } = await signUp(t, { email });
  const token = await stepUp(t, first);
  const device = new SoftAuthenticator(t.config.publicUrl);
  expect((await addPasskey(t, token, device)).status).toBe(201);
  return { token, device };
}

async function passkeySignIn(t: TestApp, device: SoftAuthenticator, knobs: Knobs & { ip?: string } = {}): Promise<JsonResponse> {
  const started = await api(t, 'POST', '/api/v1/signin/passkey/options', { body: {}, ip: knobs.ip });
  expect(started.status).toBe(200);
  return api(t, 'POST', '/api/v1/signin/passkey', { body: { flow_id: started.body.flow_id, response: device.authenticate(started.body.options, knobs) }, ip: knobs.ip });
}

async function factorsOf(t: TestApp, token: string): Promise<string[]> {
  return (await api(t, 'GET', '/api/v1/session', { token })).body.session.factors;
}

describe('passkeys: adding, naming, removing', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('adds a discoverable, user-verifying passkey under an opaque user handle, lists it, and tells the customer', async () => {
    const { token: first } = await signUp(t, { email: 'add@example.com' });
    const token = await stepUp(t, first);
    const options = await api(t, 'POST', '/api/v1/passkeys/registration/options', { token, body: {} });
    const accountId = (await t.app.deps.db.selectFrom('identifiers').select('account_id').where('normalized', '=', 'add@example.com').executeTakeFirstOrThrow()).account_id;
    expect(options.body.options).toMatchObject({ rp: { id: 'localhost', name: 'Custos' }, authenticatorSelection: { residentKey: 'required', userVerification: 'required' }, excludeCredentials: [] });
    expect(options.body.options.user.id).not.toContain(accountId);
    expect(Buffer.from(options.body.options.user.id, 'base64url').toString('latin1')).not.toContain(accountId);

    const device = new SoftAuthenticator(t.config.publicUrl);
    const added = await addPasskey(t, token, device, {}, '  Work laptop ');
    expect(added.status).toBe(201);
    const listed = await api(t, 'GET', '/api/v1/passkeys', { token });
    expect(listed.body.passkeys).toEqual([expect.objectContaining({ name: 'Work laptop', last_used_at: null, user_verified: true })]);
    expect((await lastMessageTo(t, 'add@example.com'))?.subject).toBe('A passkey was added');
    const again = await api(t, 'POST', '/api/v1/passkeys/registration/options', { token, body: {} });
    expect(again.body.options.excludeCredentials).toEqual([{ id: device.credentials[0]!.id, type: 'public-key', transports: ['internal'] }]);

    const tooLong = await api(t, 'POST', '/api/v1/passkeys/registration/options', { token, body: { name: 'x'.repeat(61) } });
    expect(tooLong.body.error.fields.name).toMatch(/at most 60/);
  });

  it('refuses a response made for another origin', async () => {
    const { token: first } = await signUp(t, { email: 'origin@example.com' });
    const token = await stepUp(t, first);
    const device = new SoftAuthenticator(t.config.publicUrl);
    const refused = await addPasskey(t, token, device, { origin: 'https://custos.example.evil' });
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('passkey.failed');
    expect((await api(t, 'GET', '/api/v1/passkeys', { token })).body.passkeys).toEqual([]);

    expect((await addPasskey(t, token, device)).status).toBe(201);
    const phished = await passkeySignIn(t, device, { origin: 'https://custos.example.evil' });
    expect(phished.status).toBe(401);
    expect(phished.body.error.code).toBe('signin.failed');
  });

  it('ASVS 8.2.2: another customer’s passkey id answers 404 to rename and remove', async () => {
    const owner = await withPasskey(t, 'pkowner@example.com');
    const id = (await api(t, 'GET', '/api/v1/passkeys', { token: owner.token })).body.passkeys[0].id;
    const { token: first } = await signUp(t, { email: 'pkintruder@example.com' });
    const intruder = await stepUp(t, first);
    expect((await api(t, 'PATCH', `/api/v1/passkeys/${id}`, { token: intruder, body: { name: 'Mine now' } })).status).toBe(404);
    expect((await api(t, 'DELETE', `/api/v1/passkeys/${id}`, { token: intruder })).status).toBe(404);
    expect((await api(t, 'PATCH', `/api/v1/passkeys/${id}`, { token: owner.token, body: { name: 'Desk' } })).status).toBe(204);
    expect((await api(t, 'GET', '/api/v1/passkeys', { token: owner.token })).body.passkeys).toEqual([expect.objectContaining({ id, name: 'Desk' })]);
  });

  it('ASVS 7.5.1: adding or removing a passkey needs a recent step-up, and sends a notice', async () => {
    const { token, device } = await withPasskey(t, 'pkstepup@example.com');
    const id = (await api(t, 'GET', '/api/v1/passkeys', { token })).body.passkeys[0].id;
    t.clock.advance(11 * MINUTE);
    expect((await api(t, 'POST', '/api/v1/passkeys/registration/options', { token, body: {} })).body.error.code).toBe('auth.step_up_required');
    expect((await api(t, 'DELETE', `/api/v1/passkeys/${id}`, { token })).body.error.code).toBe('auth.step_up_required');
    expect((await api(t, 'DELETE', `/api/v1/passkeys/${id}`, { token: await stepUp(t, token) })).status).toBe(204);
    expect((await lastMessageTo(t, 'pkstepup@example.com'))?.subject).toBe('A passkey was removed');
    expect((await passkeySignIn(t, device)).status).toBe(401);
  });
});

describe('passkeys: signing in', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('ASVS 6.7.2: a passkey challenge is at least 64 bits and never reused', async () => {
    const { token, device } = await withPasskey(t, 'reuse@example.com');
    const options = await api(t, 'POST', '/api/v1/passkeys/registration/options', { token, body: {} });
    expect(Buffer.from(options.body.options.challenge, 'base64url').length).toBeGreaterThanOrEqual(8);
    const other = new SoftAuthenticator(t.config.publicUrl);
    const body = (name: string) => ({ flow_id: options.body.flow_id, name, response: other.register(options.body.options) });
    expect((await api(t, 'POST', '/api/v1/passkeys/registration', { token, body: body('Phone') })).status).toBe(201);
    expect((await api(t, 'POST', '/api/v1/passkeys/registration', { token, body: body('Tablet') })).body.error.code).toBe('flow.wrong_step');

    const started = await api(t, 'POST', '/api/v1/signin/passkey/options', { body: {} });
    const signInBody = () => ({ flow_id: started.body.flow_id, response: device.authenticate(started.body.options) });
    const [a, b] = await Promise.all([api(t, 'POST', '/api/v1/signin/passkey', { body: signInBody() }), api(t, 'POST', '/api/v1/signin/passkey', { body: signInBody() })]);
    expect([a.status, b.status].sort()).toEqual([201, 409]);
  });

  it('a passkey with user verification signs in alone, as two factors (session factors ["passkey"])', async () => {
    const { device } = await withPasskey(t, 'alone@example.com');
    const done = await passkeySignIn(t, device);
    expect(done.status).toBe(201);
    expect(done.body.next).toBe('/account');
    expect(String(done.headers['set-cookie'])).toContain('__Host-custos_session=');
    expect(await factorsOf(t, done.body.session.token)).toEqual(['passkey']);
    const events = await t.app.deps.db.selectFrom('audit_events').select(['type', 'detail']).where('type', '=', 'signin.succeeded').execute();
    expect(events.some((e) => JSON.parse(e.detail).method === 'passkey')).toBe(true);
  });

  it('SECURITY.md: a passkey without user verification counts as one factor, so another second factor must follow', async () => {
    const { token, device } = await withPasskey(t, 'nouv@example.com');
    const refused = await passkeySignIn(t, device, { uv: false });
    expect(refused.status).toBe(401);
    expect(refused.body.session).toBeUndefined();

    const begun = await api(t, 'POST', '/api/v1/two-step/totp', { token, body: {} });
    await api(t, 'POST', '/api/v1/two-step/totp/confirm', { token, body: { code: totpCodeAt(begun.body.key, t.clock.now()) } });
    t.clock.advance(MINUTE);
    const halfway = await passkeySignIn(t, device, { uv: false });
    expect(halfway.status).toBe(200);
    expect(halfway.body.flow).toMatchObject({ state: 'second_factor', methods: ['totp'] });
    expect(halfway.body.session).toBeUndefined();
    const flowId = halfway.body.flow.id;
    const samePasskey = await api(t, 'POST', `/api/v1/signin/flows/${flowId}/passkey/options`, { body: {} });
    expect(samePasskey.body.error.code).toBe('signin.method_unavailable');
    const done = await api(t, 'POST', `/api/v1/signin/flows/${flowId}/second-factor`, { body: { method: 'totp', code: totpCodeAt(begun.body.key, t.clock.now()) } });
    expect(done.status).toBe(201);
    expect(await factorsOf(t, done.body.session.token)).toEqual(['passkey', 'totp']);
  });

  it('a passkey is offered first as the second step after the password, and finishes it', async () => {
    const { device } = await withPasskey(t, 'second@example.com');
    const afterPassword = await signIn(t, 'second@example.com', STRONG_PASSWORD);
    expect(afterPassword.status).toBe(200);
    expect(afterPassword.body.flow.methods).toEqual(['passkey']);
    const flowId = afterPassword.body.flow.id;
    const typed = await api(t, 'POST', `/api/v1/signin/flows/${flowId}/second-factor`, { body: { method: 'passkey', code: '123456' } });
    expect(typed.status).toBe(400);

    const options = await api(t, 'POST', `/api/v1/signin/flows/${flowId}/passkey/options`, { body: {} });
    expect(options.body.options.allowCredentials).toEqual([{ id: device.credentials[0]!.id, type: 'public-key', transports: ['internal'] }]);
    const stranger = new SoftAuthenticator(t.config.publicUrl);
    await withPasskeyOn(t, stranger, 'stranger@example.com');
    const wrongKey = await api(t, 'POST', `/api/v1/signin/flows/${flowId}/passkey`, { body: { response: stranger.authenticate({ ...options.body.options, allowCredentials: [] }) } });
    expect(wrongKey.status).toBe(401);

    const fresh = await api(t, 'POST', `/api/v1/signin/flows/${flowId}/passkey/options`, { body: {} });
    const done = await api(t, 'POST', `/api/v1/signin/flows/${flowId}/passkey`, { body: { response: device.authenticate(fresh.body.options) } });
    expect(done.status).toBe(201);
    expect(await factorsOf(t, done.body.session.token)).toEqual(['password', 'passkey']);
  });

  it('a signature counter that goes backwards is refused (a cloned authenticator)', async () => {
    const { device } = await withPasskey(t, 'clone@example.com');
    expect((await passkeySignIn(t, device)).status).toBe(201);
    expect((await passkeySignIn(t, device)).status).toBe(201);
    const cloned = await passkeySignIn(t, device, { counter: 1 });
    expect(cloned.status).toBe(401);
    const failures = await t.app.deps.db.selectFrom('audit_events').select('detail').where('type', '=', 'signin.failed').execute();
    expect(failures.map((f) => JSON.parse(f.detail))).toContainEqual({ method: 'passkey', reason: 'passkey_not_accepted' });
  });

  it('ASVS 6.3.4: passkey sign-in goes through the shared throttle, and failures are logged with the method', async () => {
    const { device } = await withPasskey(t, 'pkthrottle@example.com');
    for (let i = 0; i < 6; i++) expect((await passkeySignIn(t, device, { origin: 'https://evil.example', ip: '198.51.100.7' })).status).toBe(401);
    const blocked = await passkeySignIn(t, device, { ip: '198.51.100.8' });
    expect(blocked.status).toBe(429);
    expect(blocked.body.error.code).toBe('throttled');
    const logged = await t.app.deps.db.selectFrom('audit_events').select('detail').where('type', '=', 'signin.failed').where('ip', '=', '198.51.100.7').execute();
    expect(logged).toHaveLength(6);
    expect(logged.every((e) => JSON.parse(e.detail).method === 'passkey')).toBe(true);
    t.clock.advance(2 * MINUTE);
    expect((await passkeySignIn(t, device, { ip: '198.51.100.8' })).status).toBe(201);
  });

  it('ASVS 6.3.4: a locked or closed account gets no token by the passkey route', async () => {
    const { device } = await withPasskey(t, 'pklocked@example.com');
    const accountId = (await t.app.deps.db.selectFrom('identifiers').select('account_id').where('normalized', '=', 'pklocked@example.com').executeTakeFirstOrThrow()).account_id;
    for (const status of ['locked', 'closed'] as const) {
      await t.app.deps.db.updateTable('accounts').set({ status }).where('id', '=', accountId).execute();
      const refused = await passkeySignIn(t, device);
      expect(refused.status).toBe(401);
      expect(refused.body).toEqual({ error: { code: 'signin.failed', message: expect.any(String) } });
      expect(refused.headers['set-cookie'] ?? '').not.toContain('__Host-custos_session');
    }
    const unknown = await passkeySignIn(t, new SoftAuthenticatorWithStrayKey(t.config.publicUrl));
    expect(unknown.status).toBe(401);
    expect(unknown.body.error.message).toBe((await passkeySignIn(t, device)).body.error.message);
  });
});

async function withPasskeyOn(t: TestApp, device: SoftAuthenticator, email: string): Promise<void> {
  const { token } = await signUp(t, { email });
  expect((await addPasskey(t, await stepUp(t, token), device)).status).toBe(201);
}

/** An authenticator holding a key this site never registered. */
class SoftAuthenticatorWithStrayKey extends SoftAuthenticator {
  constructor(origin: string) {
    super(origin);
    this.register({ challenge: 'AAAA', rp: { id: 'localhost' }, user: { id: 'c3RyYXk' } });
  }
}
