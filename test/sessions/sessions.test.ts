import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { api, createTestApp, signIn, STRONG_PASSWORD, type TestApp } from '../helpers/app.js';
import { DAY, MINUTE } from '../../src/platform/clock.js';
import { setStatus, signUpFrom, textValuesOf } from '../helpers/fixtures.js';

/**
 * ASVS 7.2.3, 7.2.4, 7.3.1, 7.3.2, 7.4.1, 7.4.2, 7.5.2, 8.2.2 and the cookie rules (ASVS 3.3.x, NIST §5.1.1).
 */
function secretOf(token: string): string {
  return token.slice(token.indexOf('.') + 1);
}

const me = (t: TestApp, token: string) => api(t, 'GET', '/api/v1/account', { token });

describe('sessions', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(() => t.close());

  it('ASVS 7.2.3: a session token carries at least 128 bits from the CSPRNG and only its hash is stored', async () => {
    const { token } = await signUpFrom(t, { email: 'ada@example.com' });
    const tokens = [token];
    for (let i = 0; i < 5; i++) tokens.push((await signIn(t, 'ada@example.com', STRONG_PASSWORD)).body.session.token);
    expect(new Set(tokens).size).toBe(tokens.length);
    const stored = await textValuesOf(t, 'sessions');
    for (const tok of tokens) {
      const secret = secretOf(tok);
      expect(secret).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(Buffer.from(secret, 'base64url').length * 8).toBeGreaterThanOrEqual(128);
      expect(stored.filter((v) => v.includes(secret))).toEqual([]);
      expect(stored).not.toContain(tok);
    }
  });

  it('ASVS 7.2.3: a token with the right session id and a wrong secret is refused', async () => {
    const { token } = await signUpFrom(t, { email: 'ada@example.com' });
    const id = token.slice(0, token.indexOf('.'));
    const secret = secretOf(token);
    const flipped = secret.slice(0, -1) + (secret.endsWith('A') ? 'B' : 'A');
    for (const forged of [`${id}.${flipped}`, `${id}.`, `${id}.${secret.slice(0, 10)}`, id, `${id}.${secret}x`]) {
      expect((await me(t, forged)).status).toBe(401);
    }
    expect((await me(t, token)).status).toBe(200);
  });

  it('ASVS 7.2.4: every sign-in issues a new token', async () => {
    const { token: first } = await signUpFrom(t, { email: 'ada@example.com' });
    const second = (await signIn(t, 'ada@example.com', STRONG_PASSWORD)).body.session.token as string;
    const third = (await signIn(t, 'ada@example.com', STRONG_PASSWORD)).body.session.token as string;
    expect(new Set([first, second, third]).size).toBe(3);
    expect(new Set([first, second, third].map((tok) => tok.split('.')[0])).size).toBe(3);
  });

  it('ASVS 7.2.4: a token planted before sign-in is never adopted', async () => {
    await signUpFrom(t, { email: 'ada@example.com' });
    const planted = 'planted-session-id.planted-secret-value-aaaaaaaaaaaaaaaaaaaa';
    const flow = await t.app.fastify.inject({ method: 'POST', url: '/api/v1/signin/flows', headers: { 'content-type': 'application/json', cookie: `__Host-custos_session=${planted}` }, payload: '{}' });
    const flowId = JSON.parse(flow.body).flow.id as string;
    await t.app.fastify.inject({ method: 'POST', url: `/api/v1/signin/flows/${flowId}/identifier`, headers: { 'content-type': 'application/json', cookie: `__Host-custos_session=${planted}` }, payload: JSON.stringify({ identifier: 'ada@example.com' }) });
    const done = await t.app.fastify.inject({ method: 'POST', url: `/api/v1/signin/flows/${flowId}/password`, headers: { 'content-type': 'application/json', cookie: `__Host-custos_session=${planted}` }, payload: JSON.stringify({ password: STRONG_PASSWORD }) });
    expect(done.statusCode).toBe(201);
    const issued = JSON.parse(done.body).session.token as string;
    expect(issued).not.toBe(planted);
    expect(issued.startsWith('planted-session-id.')).toBe(false);
    expect((await me(t, planted)).status).toBe(401);
  });

  it('ASVS 7.2.4: step-up issues a new token and the old one stops working', async () => {
    const { token: old } = await signUpFrom(t, { email: 'ada@example.com' });
    const stepped = await api(t, 'POST', '/api/v1/step-up', { token: old, body: { password: STRONG_PASSWORD } });
    expect(stepped.status).toBe(200);
    const fresh = stepped.body.session.token as string;
    expect(fresh).not.toBe(old);
    expect(Buffer.from(secretOf(fresh), 'base64url').length * 8).toBeGreaterThanOrEqual(128);
    expect((await me(t, old)).status).toBe(401);
    expect((await me(t, fresh)).status).toBe(200);

    const again = (await api(t, 'POST', '/api/v1/step-up', { token: fresh, body: { password: STRONG_PASSWORD } })).body.session.token as string;
    expect(secretOf(again)).not.toBe(secretOf(fresh));
    expect((await me(t, fresh)).status).toBe(401);
    const stored = await textValuesOf(t, 'sessions');
    expect(stored.filter((v) => v.includes(secretOf(again)))).toEqual([]);
  });

  it('ASVS 7.3.1: the idle timeout (7 days by default) is enforced server-side, and use extends it', async () => {
    const { token } = await signUpFrom(t, { email: 'ada@example.com' });
    t.clock.advance(6 * DAY);
    expect((await me(t, token)).status).toBe(200);
    t.clock.advance(6 * DAY);
    expect((await me(t, token)).status).toBe(200);
    t.clock.advance(7 * DAY - 1);
    expect((await me(t, token)).status).toBe(200);
    t.clock.advance(7 * DAY);
    expect((await me(t, token)).status).toBe(401);

    const { token: idle } = await signUpFrom(t, { email: 'idle@example.com' });
    t.clock.advance(7 * DAY);
    expect((await me(t, idle)).status).toBe(401);
  });

  it('ASVS 7.3.2: the absolute lifetime (30 days) ends even a session in constant use', async () => {
    const { token } = await signUpFrom(t, { email: 'ada@example.com' });
    for (let day = 5; day < 30; day += 5) {
      t.clock.advance(5 * DAY);
      expect((await me(t, token)).status).toBe(200);
    }
    t.clock.advance(5 * DAY - MINUTE);
    expect((await me(t, token)).status).toBe(200);
    t.clock.advance(MINUTE);
    expect((await me(t, token)).status).toBe(401);
  });

  it('ASVS 7.3.1: a shorter configured idle timeout is honoured', async () => {
    const short = await createTestApp({ SESSION_IDLE_MINUTES: '30' });
    try {
      const { token } = await signUpFrom(short, { email: 'ada@example.com' });
      short.clock.advance(29 * MINUTE);
      expect((await me(short, token)).status).toBe(200);
      short.clock.advance(30 * MINUTE);
      expect((await me(short, token)).status).toBe(401);
    } finally {
      await short.close();
    }
  });

  it('ASVS 7.4.1: sign-out ends the session server-side; the token replayed afterwards is refused', async () => {
    const { token } = await signUpFrom(t, { email: 'ada@example.com' });
    const out = await api(t, 'POST', '/api/v1/signout', { token, body: {} });
    expect(out.status).toBe(204);
    expect(String(out.headers['set-cookie'])).toMatch(/__Host-custos_session=;/);
    expect((await me(t, token)).status).toBe(401);
    expect((await api(t, 'POST', '/api/v1/signout', { token, body: {} })).status).toBe(401);
    const row = await t.app.deps.db.selectFrom('sessions').select('ended_at').executeTakeFirstOrThrow();
    expect(row.ended_at).not.toBeNull();
  });

  it('ASVS 7.4.2: a locked or closed account’s existing sessions answer 401', async () => {
    const { token, accountId } = await signUpFrom(t, { email: 'ada@example.com' });
    const other = (await signIn(t, 'ada@example.com', STRONG_PASSWORD)).body.session.token as string;
    await setStatus(t, accountId, 'locked');
    expect((await me(t, token)).status).toBe(401);
    expect((await me(t, other)).status).toBe(401);
    expect((await api(t, 'GET', '/api/v1/sessions', { token })).status).toBe(401);
    await setStatus(t, accountId, 'closed');
    expect((await me(t, token)).status).toBe(401);
  });

  it('ASVS 7.5.2: the customer sees their sessions and can end any one of them', async () => {
    const { token } = await signUpFrom(t, { email: 'ada@example.com' });
    const phone = (await signIn(t, 'ada@example.com', STRONG_PASSWORD)).body.session.token as string;
    const list = await api(t, 'GET', '/api/v1/sessions', { token });
    expect(list.body.sessions).toHaveLength(2);
    const target = list.body.sessions.find((s: { current: boolean }) => !s.current);
    expect(target).toMatchObject({ device: expect.any(String), place: expect.any(String), last_used_at: expect.any(String) });
    expect((await api(t, 'DELETE', `/api/v1/sessions/${target.id}`, { token })).status).toBe(204);
    expect((await me(t, phone)).status).toBe(401);
    expect((await me(t, token)).status).toBe(200);
  });

  it("ASVS 8.2.2: ending another customer's session id answers 404 and that session keeps working", async () => {
    const { token: alice } = await signUpFrom(t, { email: 'alice@example.com' });
    const { token: mallory } = await signUpFrom(t, { email: 'mallory@example.com' });
    const aliceSessionId = alice.split('.')[0]!;
    const res = await api(t, 'DELETE', `/api/v1/sessions/${aliceSessionId}`, { token: mallory });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
    expect((await me(t, alice)).status).toBe(200);
    const malloryList = await api(t, 'GET', '/api/v1/sessions', { token: mallory });
    expect(malloryList.body.sessions.map((s: { id: string }) => s.id)).not.toContain(aliceSessionId);
  });

  it('ASVS 3.3.x / NIST §5.1.1: the sign-in cookie is __Host-, Secure, HttpOnly, SameSite=Lax, Path=/, with no Domain and no personal data', async () => {
    await signUpFrom(t, { email: 'ada@example.com', name: 'Ada Lovelace' });
    const res = await signIn(t, 'ada@example.com', STRONG_PASSWORD);
    const header = res.headers['set-cookie'];
    const cookies = Array.isArray(header) ? header : [String(header)];
    const session = cookies.find((c) => c.startsWith('__Host-custos_session='));
    expect(session).toBeDefined();
    const attributes = session!.split(';').slice(1).map((a) => a.trim().toLowerCase());
    expect(attributes).toContain('secure');
    expect(attributes).toContain('httponly');
    expect(attributes).toContain('samesite=lax');
    expect(attributes).toContain('path=/');
    expect(attributes.some((a) => a.startsWith('domain'))).toBe(false);
    const value = session!.split(';')[0]!.slice('__Host-custos_session='.length);
    expect(value).toBe(res.body.session.token);
    expect(decodeURIComponent(session!)).not.toMatch(/lovelace|example\.com/i);
  });
});
