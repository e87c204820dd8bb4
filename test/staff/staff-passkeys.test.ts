import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpCodeAt } from '../../src/methods/totp/totp.js';
import { createStaff } from '../../src/staff/members.js';
import { api, createTestApp, signUp, STRONG_PASSWORD, type JsonResponse, type ListeningTestApp, type TestApp } from '../helpers/app.js';
import { burst, burstIp, TRUST_ONE_PROXY } from '../helpers/burst.js';
import { SoftAuthenticator } from '../helpers/soft-authenticator.js';
import { setupToken } from '../helpers/staff.js';

/**
 * Staff passkeys through the passkey method on staff_factors: setup enrols one instead of (or besides) an
 * authenticator app, and the second step of staff sign-in accepts it. A staff passkey never signs a customer in
 * and a customer's never finishes a staff sign-in (the tables are apart); a challenge is bound to its link or
 * ticket and spent once.
 */
let made = 0;

async function newLink(t: TestApp, role: 'admin' | 'agent' = 'agent'): Promise<{ token: string; email: string; staffId: string }> {
  made += 1;
  const email = `passkey${made}@support.example`;
  const { staff, setupLink } = await createStaff(t.app.deps, { id: null, role: 'shell' }, { email, name: `Passkey ${made}`, role });
  return { token: setupToken(setupLink), email, staffId: staff.id };
}

async function passkeySetup(t: TestApp, token: string, device: SoftAuthenticator, extra: { code?: string } = {}): Promise<JsonResponse> {
  const options = await api(t, 'POST', '/api/support/v1/setup/passkey', { body: { token } });
  expect(options.status).toBe(200);
  const passkey = { flow_id: options.body.flow_id, name: 'Work laptop', response: device.register(options.body.options) };
  return api(t, 'POST', '/api/support/v1/setup', { body: { token, password: STRONG_PASSWORD, passkey, ...extra } });
}

async function ticketFor(t: TestApp, email: string): Promise<{ ticket: string; methods: string[] }> {
  const answer = await api(t, 'POST', '/api/support/v1/signin', { body: { email, password: STRONG_PASSWORD } });
  expect(answer.status).toBe(200);
  return answer.body as { ticket: string; methods: string[] };
}

async function passkeyStep(t: TestApp, ticket: string, device: SoftAuthenticator, credentialId?: string): Promise<JsonResponse> {
  const options = await api(t, 'POST', '/api/support/v1/signin/passkey', { body: { ticket } });
  expect(options.status).toBe(200);
  const response = device.authenticate(options.body.options, credentialId ? { credentialId } : {});
  return api(t, 'POST', '/api/support/v1/signin/passkey/finish', { body: { ticket, flow_id: options.body.flow_id, response } });
}

describe('staff passkeys', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('setup enrols a passkey instead of an authenticator app, and sign-in takes password + passkey', async () => {
    const link = await newLink(t, 'admin');
    const device = new SoftAuthenticator(t.config.publicUrl);
    const done = await passkeySetup(t, link.token, device);
    expect(done.status).toBe(200);
    const rows = await t.app.deps.db.selectFrom('staff_factors').select(['kind', 'label']).where('account_id', '=', link.staffId).execute();
    expect(rows).toEqual([{ kind: 'passkey', label: 'Work laptop' }]);
    expect(await t.app.deps.db.selectFrom('factors').select('id').where('account_id', '=', link.staffId).execute()).toEqual([]);

    const { ticket, methods } = await ticketFor(t, link.email);
    expect(methods).toEqual(['passkey']);
    const signedIn = await passkeyStep(t, ticket, device);
    expect(signedIn.status).toBe(201);
    const me = await api(t, 'GET', '/api/support/v1/me', { token: signedIn.body.session.token });
    expect(me.body.staff.email).toBe(link.email);
    const audit = await t.app.deps.db.selectFrom('staff_audit').select('detail').where('type', '=', 'staff.signin').where('staff_id', '=', link.staffId).execute();
    expect(JSON.parse(audit[0]!.detail!)).toEqual({ method: 'passkey' });
  });

  it('setup can enrol both; an authenticator code still works as the second step', async () => {
    const link = await newLink(t);
    const started = await api(t, 'POST', '/api/support/v1/setup/authenticator', { body: { token: link.token } });
    const key = started.body.authenticator.key as string;
    const device = new SoftAuthenticator(t.config.publicUrl);
    expect((await passkeySetup(t, link.token, device, { code: totpCodeAt(key, t.clock.now()) })).status).toBe(200);
    const { ticket, methods } = await ticketFor(t, link.email);
    expect([...methods].sort()).toEqual(['passkey', 'totp']);
    t.clock.advance(31_000);
    const byCode = await api(t, 'POST', '/api/support/v1/signin/second-factor', { body: { ticket, method: 'totp', code: totpCodeAt(key, t.clock.now()) } });
    expect(byCode.status).toBe(201);
  });

  it('setup with neither a code nor a passkey is refused and the link stays usable', async () => {
    const link = await newLink(t);
    const none = await api(t, 'POST', '/api/support/v1/setup', { body: { token: link.token, password: STRONG_PASSWORD } });
    expect(none.status).toBe(400);
    expect((await passkeySetup(t, link.token, new SoftAuthenticator(t.config.publicUrl))).status).toBe(200);
  });

  it('attack: a passkey challenge made for one setup link cannot finish another', async () => {
    const mine = await newLink(t);
    const theirs = await newLink(t);
    const options = await api(t, 'POST', '/api/support/v1/setup/passkey', { body: { token: mine.token } });
    const device = new SoftAuthenticator(t.config.publicUrl);
    const passkey = { flow_id: options.body.flow_id, name: 'Stolen', response: device.register(options.body.options) };
    const crossed = await api(t, 'POST', '/api/support/v1/setup', { body: { token: theirs.token, password: STRONG_PASSWORD, passkey } });
    expect(crossed.status).toBe(404);
    expect(await t.app.deps.db.selectFrom('staff_factors').select('id').where('account_id', '=', theirs.staffId).execute()).toEqual([]);
  });

  it('attack: a staff passkey does not sign in a customer (passkey alone), and a customer passkey does not finish a staff sign-in', async () => {
    const link = await newLink(t);
    const staffDevice = new SoftAuthenticator(t.config.publicUrl);
    expect((await passkeySetup(t, link.token, staffDevice)).status).toBe(200);

    // The staff credential answering a customer's passkey sign-in: unknown among customers' passkeys.
    const started = await api(t, 'POST', '/api/v1/signin/passkey/options', { body: {} });
    const asCustomer = await api(t, 'POST', '/api/v1/signin/passkey', { body: { flow_id: started.body.flow_id, response: staffDevice.authenticate(started.body.options) } });
    expect(asCustomer.status).toBe(401);
    expect(asCustomer.body.error.code).toBe('signin.failed');

    // A customer's passkey (same person, same device) answering the staff challenge: unknown in staff_factors.
    const { token: customerToken } = await signUp(t, { email: 'person@example.com' });
    const stepped = await api(t, 'POST', '/api/v1/step-up', { token: customerToken, body: { password: STRONG_PASSWORD } });
    const regOptions = await api(t, 'POST', '/api/v1/passkeys/registration/options', { token: stepped.body.session.token, body: { name: 'Phone' } });
    const added = await api(t, 'POST', '/api/v1/passkeys/registration', {
      token: stepped.body.session.token,
      body: { flow_id: regOptions.body.flow_id, name: 'Phone', response: staffDevice.register(regOptions.body.options) },
    });
    expect(added.status).toBe(201);
    const customerCredential = staffDevice.credentials[1]!.id;
    const { ticket } = await ticketFor(t, link.email);
    const asStaff = await passkeyStep(t, ticket, staffDevice, customerCredential);
    expect(asStaff.status).toBe(401);
    expect(asStaff.body.error.code).toBe('signin.second_factor_failed');
    const failed = await t.app.deps.db.selectFrom('staff_audit').select('detail').where('type', '=', 'staff.signin_failed').where('staff_id', '=', link.staffId).execute();
    expect(failed.map((f) => JSON.parse(f.detail!))).toContainEqual({ step: 'second_factor', method: 'passkey', reason: 'unknown_passkey' });
    // The staff member's own passkey still works on a fresh ticket.
    expect((await passkeyStep(t, (await ticketFor(t, link.email)).ticket, staffDevice)).status).toBe(201);
  });

  it('attack: a sign-in challenge is bound to its ticket and accepted once', async () => {
    const link = await newLink(t);
    const device = new SoftAuthenticator(t.config.publicUrl);
    expect((await passkeySetup(t, link.token, device)).status).toBe(200);
    const first = await ticketFor(t, link.email);
    const second = await ticketFor(t, link.email);
    const options = await api(t, 'POST', '/api/support/v1/signin/passkey', { body: { ticket: first.ticket } });
    const response = device.authenticate(options.body.options);
    const crossed = await api(t, 'POST', '/api/support/v1/signin/passkey/finish', { body: { ticket: second.ticket, flow_id: options.body.flow_id, response } });
    expect(crossed.status).toBe(404);
    const ok = await api(t, 'POST', '/api/support/v1/signin/passkey/finish', { body: { ticket: first.ticket, flow_id: options.body.flow_id, response } });
    // The crossed attempt was refused before the challenge was spent, so its own ticket still finishes.
    expect(ok.status).toBe(201);
    const replay = await api(t, 'POST', '/api/support/v1/signin/passkey/finish', { body: { ticket: second.ticket, flow_id: options.body.flow_id, response } });
    expect([401, 404, 409]).toContain(replay.status);
  });

  it('a staff member without a passkey is not offered one and gets no challenge', async () => {
    const link = await newLink(t);
    const started = await api(t, 'POST', '/api/support/v1/setup/authenticator', { body: { token: link.token } });
    const code = totpCodeAt(started.body.authenticator.key, t.clock.now());
    expect((await api(t, 'POST', '/api/support/v1/setup', { body: { token: link.token, password: STRONG_PASSWORD, code } })).status).toBe(200);
    const { ticket, methods } = await ticketFor(t, link.email);
    expect(methods).toEqual(['totp']);
    expect((await api(t, 'POST', '/api/support/v1/signin/passkey', { body: { ticket } })).status).toBe(400);
  });
});

describe('staff passkeys over real HTTP', () => {
  let t: ListeningTestApp;
  beforeAll(async () => {
    t = await createTestApp(TRUST_ONE_PROXY, { listen: true });
  });
  afterAll(() => t.close());

  it('attack: 200 concurrent replays of one signed passkey answer open exactly one staff session', async () => {
    const link = await newLink(t);
    const device = new SoftAuthenticator(t.config.publicUrl);
    expect((await passkeySetup(t, link.token, device)).status).toBe(200);
    const { ticket } = await ticketFor(t, link.email);
    const options = await api(t, 'POST', '/api/support/v1/signin/passkey', { body: { ticket } });
    const body = { ticket, flow_id: options.body.flow_id, response: device.authenticate(options.body.options) };
    const answers = await burst(Array.from({ length: 200 }, (_, n) => ({ server: t, path: '/api/support/v1/signin/passkey/finish', body, ip: burstIp(n) })));
    expect(answers.filter((a) => a.status >= 500)).toEqual([]);
    expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
    const sessions = await t.app.deps.db.selectFrom('staff_sessions').select('id').where('staff_id', '=', link.staffId).where('stage', '=', 'active').execute();
    expect(sessions).toHaveLength(1);
  }, 120_000);
});
