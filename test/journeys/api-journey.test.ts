import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createTestApp, lastCodeTo, signIn, signUp, STRONG_PASSWORD, type TestApp } from '../helpers/app.js';

describe('account journey through the JSON API', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('signs up, confirms the email with the code and is signed in', async () => {
    const { token } = await signUp(t, { name: 'Ada Lovelace', email: 'Ada@Example.com' });
    const me = await api(t, 'GET', '/api/v1/account', { token });
    expect(me.status).toBe(200);
    expect(me.body.account).toMatchObject({ name: 'Ada Lovelace', email: 'Ada@Example.com', phone: null });
    expect(JSON.stringify(me.body)).not.toMatch(/"id"/);
  });

  it('signs in by email in any letter case, and lists the session', async () => {
    const result = await signIn(t, '  ADA@example.COM ', STRONG_PASSWORD);
    expect(result.status).toBe(201);
    const sessions = await api(t, 'GET', '/api/v1/sessions', { token: result.body.session.token });
    expect(sessions.body.sessions.length).toBe(2);
    expect(sessions.body.sessions.filter((s: { current: boolean }) => s.current)).toHaveLength(1);
    expect(sessions.body.sessions[0].device).toBe('Chrome on Mac OS 10');
  });

  it('confirms a phone given at sign-up with the texted code, then signs in by phone', async () => {
    const { token } = await signUp(t, { email: 'phone@example.com', phone: '(415) 555-0132' });
    const code = await lastCodeTo(t, '+14155550132');
    const confirmed = await api(t, 'POST', '/api/v1/account/phone/confirm', { token, body: { code } });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.account.phone).toBe('+1 415 555 0132');
    expect((await signIn(t, '+1 415-555-0132', STRONG_PASSWORD)).status).toBe(201);
  });

  it('signs out everywhere else, and signs out', async () => {
    const { token } = await signUp(t, { email: 'multi@example.com' });
    const other = await signIn(t, 'multi@example.com', STRONG_PASSWORD);
    const ended = await api(t, 'POST', '/api/v1/sessions/end-others', { token, body: {} });
    expect(ended.body.ended_sessions).toBe(1);
    expect((await api(t, 'GET', '/api/v1/account', { token: other.body.session.token })).status).toBe(401);
    expect((await api(t, 'POST', '/api/v1/signout', { token, body: {} })).status).toBe(204);
    expect((await api(t, 'GET', '/api/v1/account', { token })).status).toBe(401);
  });

  it('serves an OpenAPI document describing every route', async () => {
    const doc = await api(t, 'GET', '/api/openapi.json');
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toBe('3.0.3');
    expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(['/api/v1/signup', '/api/v1/signin/flows/{flowId}/password', '/api/v1/sessions/{id}']));
  });
});
