import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { api, createTestApp, lastCodeTo, lastMessageTo, signUp, STRONG_PASSWORD, type JsonResponse, type ListeningTestApp, type TestApp } from '../helpers/app.js';
import { totpCodeAt } from '../../src/methods/totp/totp.js';
import { DAY } from '../../src/platform/clock.js';
import { HARD_LIMIT } from '../../src/platform/throttle.js';
import { accountIdOf, freshIp } from '../helpers/fixtures.js';
import { burst, burstIp, TRUST_ONE_PROXY } from '../helpers/burst.js';

/**
 * SECURITY.md "Lockout must not lock the owner out" (NIST SP 800-63B-4 §3.2.2): strangers' failures are capped
 * and wait, but a device or network that has signed in to the account keeps a counter of its own; limits decay
 * instead of holding until a reset; recovery that proves the owner clears every counter.
 */
const DEVICE_COOKIE = '__Host-custos_device';
const OWNER_DEVICE = 'o'.repeat(43);
const OWNER_NETWORK = '192.0.2.10';
const WRONG = 'definitely not the password';

/** The API with an optional device cookie, as a browser that signed in before would send it. */
async function call(t: TestApp, url: string, body: unknown, options: { ip: string; device?: string }): Promise<JsonResponse> {
  const res = await t.app.fastify.inject({
    method: 'POST',
    url,
    remoteAddress: options.ip,
    headers: { 'content-type': 'application/json' },
    cookies: options.device ? { [DEVICE_COOKIE]: options.device } : {},
    payload: JSON.stringify(body),
  });
  return { status: res.statusCode, body: res.body ? JSON.parse(res.body) : null, headers: res.headers };
}

async function signInWith(t: TestApp, identifier: string, password: string, options: { ip: string; device?: string }): Promise<JsonResponse> {
  const flow = await call(t, '/api/v1/signin/flows', {}, options);
  await call(t, `/api/v1/signin/flows/${flow.body.flow.id}/identifier`, { identifier }, options);
  return call(t, `/api/v1/signin/flows/${flow.body.flow.id}/password`, { password }, options);
}

describe('lockout that cannot lock the owner out', () => {
  let t: ListeningTestApp;
  beforeEach(async () => {
    t = await createTestApp(TRUST_ONE_PROXY, { listen: true });
  });
  afterEach(() => t.close());

  it('NIST §3.2.2: 200 concurrent wrong passwords from strangers do not lock out the owner on a known device or network', async () => {
    await signUp(t, { email: 'owner@example.com' });
    // The owner signs in once from home, in their own browser: device and network become known.
    expect((await signInWith(t, 'owner@example.com', STRONG_PASSWORD, { ip: OWNER_NETWORK, device: OWNER_DEVICE })).status).toBe(201);

    const flows = await Promise.all(Array.from({ length: 200 }, async (_, n) => {
      const flow = await api(t, 'POST', '/api/v1/signin/flows', { body: {}, ip: burstIp(n) });
      await api(t, 'POST', `/api/v1/signin/flows/${flow.body.flow.id}/identifier`, { body: { identifier: 'owner@example.com' }, ip: burstIp(n) });
      return flow.body.flow.id as string;
    }));
    const attack = await burst(flows.map((flowId, n) => ({ server: t, path: `/api/v1/signin/flows/${flowId}/password`, body: { password: WRONG }, ip: burstIp(n) })));
    expect(attack.filter((a) => a.status === 429).length).toBeGreaterThan(150);

    // Strangers wait, even with the right password...
    expect((await signInWith(t, 'owner@example.com', STRONG_PASSWORD, { ip: freshIp() })).status).toBe(429);
    // ...but the owner's browser gets in from anywhere, and the owner's network gets in without it.
    expect((await signInWith(t, 'owner@example.com', STRONG_PASSWORD, { ip: freshIp(), device: OWNER_DEVICE })).status).toBe(201);
    expect((await signInWith(t, 'owner@example.com', STRONG_PASSWORD, { ip: OWNER_NETWORK })).status).toBe(201);
  }, 120_000);

  it('NIST §3.2.2: a known device guesses on its own counter — its wrong passwords wait there, not on the account', async () => {
    await signUp(t, { email: 'owner@example.com' });
    const accountId = await accountIdOf(t, 'owner@example.com');
    expect((await signInWith(t, 'owner@example.com', STRONG_PASSWORD, { ip: OWNER_NETWORK, device: OWNER_DEVICE })).status).toBe(201);
    for (let i = 0; i < 6; i++) expect((await signInWith(t, 'owner@example.com', WRONG, { ip: freshIp(), device: OWNER_DEVICE })).status).toBe(401);
    expect((await signInWith(t, 'owner@example.com', STRONG_PASSWORD, { ip: freshIp(), device: OWNER_DEVICE })).status).toBe(429);
    const strangers = await t.app.deps.db.selectFrom('throttles').select('failures').where('key', '=', `password:account:${accountId}`).executeTakeFirst();
    expect(strangers?.failures ?? 0).toBe(0);
  });

  it(`NIST §3.2.2: limits decay — ${HARD_LIMIT} strangers' failures close the account to strangers for a quiet day, not until a reset`, async () => {
    await signUp(t, { email: 'owner@example.com' });
    const accountId = await accountIdOf(t, 'owner@example.com');
    await t.app.deps.db.insertInto('throttles').values({ key: `password:account:${accountId}`, failures: HARD_LIMIT, blocked_until: 0, updated_at: t.clock.now() }).execute();
    const refused = await signInWith(t, 'owner@example.com', STRONG_PASSWORD, { ip: freshIp() });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBe(DAY / 1000);

    t.clock.advance(DAY + 1);
    expect((await signInWith(t, 'owner@example.com', STRONG_PASSWORD, { ip: freshIp() })).status).toBe(201);
  });

  it('SECURITY.md lockout: a password reset clears every counter on the account, the second step\'s too', async () => {
    const { token } = await signUp(t, { email: 'two@example.com', phone: '+14155550132' });
    await api(t, 'POST', '/api/v1/account/phone/confirm', { token, body: { code: await lastCodeTo(t, '+14155550132') } });
    const fresh = (await api(t, 'POST', '/api/v1/step-up', { token, body: { password: STRONG_PASSWORD } })).body.session.token;
    const begun = await api(t, 'POST', '/api/v1/two-step/totp', { token: fresh, body: {} });
    await api(t, 'POST', '/api/v1/two-step/totp/confirm', { token: fresh, body: { code: totpCodeAt(begun.body.key, t.clock.now()) } });
    t.clock.advance(30_000);

    // Someone with the password guesses the second step until it waits.
    const stolen = await signInWith(t, 'two@example.com', STRONG_PASSWORD, { ip: freshIp() });
    for (let i = 0; i < 6; i++) await call(t, `/api/v1/signin/flows/${stolen.body.flow.id}/second-factor`, { method: 'totp', code: '000000' }, { ip: freshIp() });
    expect((await call(t, `/api/v1/signin/flows/${stolen.body.flow.id}/second-factor`, { method: 'totp', code: '000000' }, { ip: freshIp() })).status).toBe(429);

    // The owner resets the password by email...
    const reset = await api(t, 'POST', '/api/v1/recovery/password', { body: { identifier: 'two@example.com' }, ip: freshIp() });
    const proof = await api(t, 'POST', `/api/v1/recovery/password/${reset.body.flow.id}/confirm`, { body: { code: await lastCodeTo(t, 'two@example.com') } });
    const newPassword = 'copper meadow violin sunrise';
    expect((await api(t, 'POST', `/api/v1/recovery/password/${reset.body.flow.id}/new-password`, { body: { reset_token: proof.body.reset_token, password: newPassword } })).status).toBe(200);

    // ...and the second step is open to them again at once.
    const again = await signInWith(t, 'two@example.com', newPassword, { ip: freshIp() });
    expect(again.body.flow.state).toBe('second_factor');
    const done = await call(t, `/api/v1/signin/flows/${again.body.flow.id}/second-factor`, { method: 'totp', code: totpCodeAt(begun.body.key, t.clock.now()) }, { ip: freshIp() });
    expect(done.status).toBe(201);
    expect((await lastMessageTo(t, 'two@example.com'))?.template).not.toBe('passwordResetEmail');
  });

  it('NIST §3.2.2: an owner on a new device, paused by strangers, gets an emailed link that lets that browser — and only that browser — try again', async () => {
    await signUp(t, { email: 'owner@example.com' });
    for (let i = 0; i < 6; i++) await signInWith(t, 'owner@example.com', WRONG, { ip: freshIp() });
    const newDevice = 'n'.repeat(43);
    const ownerIp = freshIp();
    const paused = await signInWith(t, 'owner@example.com', STRONG_PASSWORD, { ip: ownerIp, device: newDevice });
    expect(paused.status).toBe(429);

    const flow = await call(t, '/api/v1/signin/flows', {}, { ip: ownerIp, device: newDevice });
    await call(t, `/api/v1/signin/flows/${flow.body.flow.id}/identifier`, { identifier: 'owner@example.com' }, { ip: ownerIp, device: newDevice });
    const asked = await call(t, `/api/v1/signin/flows/${flow.body.flow.id}/retry-link`, {}, { ip: ownerIp, device: newDevice });
    expect(asked.status).toBe(202);
    const email = await lastMessageTo(t, 'owner@example.com');
    expect(email?.template).toBe('retryLinkEmail');
    const token = /\/signin\/retry\?token=([\w-]+)/.exec(email!.text_body)![1]!;

    // Another browser (whoever else reads the email) gains nothing; the asking browser may try again, once.
    expect((await call(t, '/api/v1/signin/retry', { token }, { ip: freshIp(), device: 'x'.repeat(43) })).status).toBe(410);
    expect((await call(t, '/api/v1/signin/retry', { token }, { ip: ownerIp, device: newDevice })).status).toBe(204);
    expect((await call(t, '/api/v1/signin/retry', { token }, { ip: ownerIp, device: newDevice })).status).toBe(410);
    expect((await signInWith(t, 'owner@example.com', STRONG_PASSWORD, { ip: ownerIp, device: newDevice })).status).toBe(201);
    // Strangers stay paused.
    expect((await signInWith(t, 'owner@example.com', STRONG_PASSWORD, { ip: freshIp() })).status).toBe(429);
  });

  it('ASVS 6.3.8: asking for a try-again link answers the same for an unknown identifier, and emails nobody', async () => {
    await signUp(t, { email: 'owner@example.com' });
    const ask = async (identifier: string) => {
      const ip = freshIp();
      const flow = await call(t, '/api/v1/signin/flows', {}, { ip });
      await call(t, `/api/v1/signin/flows/${flow.body.flow.id}/identifier`, { identifier }, { ip });
      return call(t, `/api/v1/signin/flows/${flow.body.flow.id}/retry-link`, {}, { ip });
    };
    const outboxBefore = await t.app.deps.db.selectFrom('outbox').select('id').where('status', '!=', 'withheld').execute();
    const unknown = await ask('nobody@example.com');
    const outboxAfter = await t.app.deps.db.selectFrom('outbox').select('id').where('status', '!=', 'withheld').execute();
    const known = await ask('owner@example.com');
    expect(unknown.status).toBe(known.status);
    expect(unknown.body).toEqual(known.body);
    expect(outboxAfter).toHaveLength(outboxBefore.length);
  });
});
