import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, STRONG_PASSWORD, type ListeningTestApp } from '../helpers/app.js';
import { messagesTo, signUpFrom } from '../helpers/fixtures.js';
import { insertIdentifier } from '../../src/accounts/store.js';
import { NOTICES_AT_ONCE } from '../../src/notify/notice-digest.js';

/**
 * The reopen step over real HTTP: it answers only to the client that proved the password (not to whoever knows the
 * flow id, such as whoever started the flow), "keep it closed" ends it, and closing and reopening in a loop cannot
 * text the account's phone past the notice budget.
 */
const EMAIL = 'loop@example.com';
const PHONE = '+447700900456';

describe('the reopen step, over HTTP', () => {
  let t: ListeningTestApp;
  let owner: { token: string; accountId: string };
  beforeEach(async () => {
    t = await createTestApp({ CLOSE_GRACE_DAYS: '30' }, { listen: true });
    owner = await signUpFrom(t, { email: EMAIL, name: 'Loop Owner' });
    await insertIdentifier(t.app.deps.db, t.clock, owner.accountId, { kind: 'phone', value: PHONE, normalized: PHONE }, { primary: false, verified: true });
  });
  afterEach(() => t.close());

  async function post(path: string, body: unknown, token?: string): Promise<{ status: number; body: any }> {
    const res = await fetch(`${t.baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  }
  const close = (token: string) => post('/api/v1/account/close', { confirm: true }, token);
  const status = async () => (await t.app.deps.db.selectFrom('accounts').select('status').where('id', '=', owner.accountId).executeTakeFirstOrThrow()).status;

  /** Someone starts a sign-in flow and keeps its id; the owner is then led to give their password on it. */
  async function flowProvenByOwner(): Promise<{ bareId: string; answer: { status: number; body: any } }> {
    const started = await post('/api/v1/signin/flows', {});
    const bareId = started.body.flow.id as string;
    await post(`/api/v1/signin/flows/${bareId}/identifier`, { identifier: EMAIL });
    return { bareId, answer: await post(`/api/v1/signin/flows/${bareId}/password`, { password: STRONG_PASSWORD }) };
  }

  it('SECURITY.md Sign-in: a closed account gets no token by any route — the bare flow id, known to whoever started the flow, cannot reopen it', async () => {
    expect((await close(owner.token)).status).toBe(200);
    const { bareId, answer } = await flowProvenByOwner();
    expect(answer.body.flow.state).toBe('reopen');
    const handle = answer.body.flow.id as string;
    expect(handle.startsWith(`${bareId}_`)).toBe(true);
    expect(answer.body.next).toBe(`/signin/reopen?flow=${handle}`);

    for (const guess of [bareId, `${bareId}_`, `${bareId}_${'0'.repeat(32)}`, `${bareId}.${'0'.repeat(32)}`]) {
      const refused = await post(`/api/v1/signin/flows/${encodeURIComponent(guess)}/reopen`, {});
      expect([403, 404], guess).toContain(refused.status);
      expect(refused.body.session).toBeUndefined();
    }
    expect(await status()).toBe('closed');

    const reopened = await post(`/api/v1/signin/flows/${handle}/reopen`, {});
    expect(reopened.status).toBe(201);
    expect(reopened.body.session.token).toEqual(expect.any(String));
    expect(await status()).toBe('active');
  });

  it('SECURITY.md Sign-in: a closed account gets no token by any route — "keep it closed" ends the flow, so it reopens nothing later', async () => {
    expect((await close(owner.token)).status).toBe(200);
    const { bareId, answer } = await flowProvenByOwner();
    const handle = answer.body.flow.id as string;
    expect((await post(`/api/v1/signin/flows/${bareId}/keep-closed`, {})).status).toBe(403);
    const kept = await post(`/api/v1/signin/flows/${handle}/keep-closed`, {});
    expect(kept).toMatchObject({ status: 200, body: { account: { status: 'closed' } } });
    const late = await post(`/api/v1/signin/flows/${handle}/reopen`, {});
    expect(late.status).toBe(410);
    expect(late.body.error.code).toBe('flow.expired');
    expect(await status()).toBe('closed');
  });

  it('SECURITY.md Sign-in, throttling: every text message passes one budget per destination number — a close → sign in → reopen loop texts the phone at most NOTICES_AT_ONCE times an hour, the rest in one digest', async () => {
    let token = owner.token;
    for (let round = 0; round < 3; round += 1) {
      expect((await close(token)).status).toBe(200);
      const { answer } = await flowProvenByOwner();
      const reopened = await post(`/api/v1/signin/flows/${answer.body.flow.id}/reopen`, {});
      expect(reopened.status).toBe(201);
      token = reopened.body.session.token;
    }
    const texts = await messagesTo(t, PHONE);
    const alone = texts.filter((m) => m.template !== 'securityDigest');
    expect(alone.length).toBeLessThanOrEqual(NOTICES_AT_ONCE);
    const digests = texts.filter((m) => m.template === 'securityDigest');
    expect(digests).toHaveLength(1);
    expect(digests[0]!.text_body).toContain('Your account was');
    expect(digests[0]!.next_attempt_at).toBeGreaterThan(t.clock.now());
  });
});
