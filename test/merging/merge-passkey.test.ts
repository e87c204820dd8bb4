import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { api, createTestApp, STRONG_PASSWORD, type TestApp } from '../helpers/app.js';
import { SoftAuthenticator } from '../helpers/soft-authenticator.js';
import { confirm, startMergeFlow, twoAccounts } from './helpers.js';

/** B's passkey as its second step in a merge, with real WebAuthn answers from a software authenticator. */
describe('merging: B’s passkey as its second step', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(() => t.close());

  async function passkeyAccounts(tag = 'passkey') {
    const accounts = await twoAccounts(t, tag);
    const device = new SoftAuthenticator(t.config.publicUrl);
    const options = await api(t, 'POST', '/api/v1/passkeys/registration/options', { token: accounts.b.token, body: { name: 'Phone' } });
    const added = await api(t, 'POST', '/api/v1/passkeys/registration', { token: accounts.b.token, body: { flow_id: options.body.flow_id, name: 'Phone', response: device.register(options.body.options) } });
    expect(added.status).toBe(201);
    const flowId = await startMergeFlow(t, accounts.a.token, accounts.emailB);
    const password = await api(t, 'POST', `/api/v1/account/merges/${flowId}/password`, { token: accounts.a.token, body: { password: STRONG_PASSWORD } });
    expect(password.body.flow).toMatchObject({ state: 'second_factor', methods: ['passkey'] });
    return { ...accounts, device, flowId };
  }

  it('B’s passkey answers a challenge for B’s own passkeys; then the merge goes ahead', async () => {
    const { a, device, flowId } = await passkeyAccounts();
    const started = await api(t, 'POST', `/api/v1/account/merges/${flowId}/passkey/options`, { token: a.token, body: {} });
    expect(started.body.options.allowCredentials).toHaveLength(1);
    const answered = await api(t, 'POST', `/api/v1/account/merges/${flowId}/passkey`, { token: a.token, body: { response: device.authenticate(started.body.options) } });
    expect(answered.body).toMatchObject({ flow: { state: 'ready' }, next: `/account/merge/${flowId}` });
    expect((await confirm(t, a.token, flowId)).status).toBe(200);
  });

  it('SECURITY.md passkey challenges are never reused: a replayed answer is refused, and another account’s passkey proves nothing', async () => {
    const { a, device, flowId } = await passkeyAccounts();
    const started = await api(t, 'POST', `/api/v1/account/merges/${flowId}/passkey/options`, { token: a.token, body: {} });
    const signed = device.authenticate(started.body.options);
    const [first, second] = await Promise.all([
      api(t, 'POST', `/api/v1/account/merges/${flowId}/passkey`, { token: a.token, body: { response: signed } }),
      api(t, 'POST', `/api/v1/account/merges/${flowId}/passkey`, { token: a.token, body: { response: signed } }),
    ]);
    expect([first.status, second.status].sort()).toEqual([200, 409]);

    // Answered with a passkey of another account (A's own, on A's device): not B's, so it proves nothing.
    const { a: a2, flowId: fresh } = await passkeyAccounts('again');
    const mine = new SoftAuthenticator(t.config.publicUrl);
    const registration = await api(t, 'POST', '/api/v1/passkeys/registration/options', { token: a2.token, body: { name: 'Mine' } });
    await api(t, 'POST', '/api/v1/passkeys/registration', { token: a2.token, body: { flow_id: registration.body.flow_id, name: 'Mine', response: mine.register(registration.body.options) } });
    const options = await api(t, 'POST', `/api/v1/account/merges/${fresh}/passkey/options`, { token: a2.token, body: {} });
    const wrong = await api(t, 'POST', `/api/v1/account/merges/${fresh}/passkey`, { token: a2.token, body: { response: mine.authenticate(options.body.options, { credentialId: mine.credentials[0]!.id }) } });
    expect([wrong.status, wrong.body.error.code]).toEqual([401, 'merge.proof_failed']);
  });
});
