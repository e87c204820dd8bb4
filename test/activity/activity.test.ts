import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY, HOUR, MINUTE } from '../../src/platform/clock.js';
import { sweepExpiredRows } from '../../src/platform/jobs/sweep.js';
import { api, createTestApp, signIn, signUp, STRONG_PASSWORD, type TestApp } from '../helpers/app.js';

const FIREFOX_LINUX = 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0';

async function outboxTemplates(t: TestApp, recipient: string): Promise<string[]> {
  const rows = await t.app.deps.db.selectFrom('outbox').select('template').where('recipient', '=', recipient).orderBy('created_at').execute();
  return rows.map((r) => r.template);
}

async function signInWithCookie(t: TestApp, identifier: string, password: string, deviceCookie?: string, ip = '81.2.69.160') {
  const inject = (url: string, body: unknown) =>
    t.app.fastify.inject({
      method: 'POST',
      url,
      remoteAddress: ip,
      headers: { 'content-type': 'application/json', 'user-agent': FIREFOX_LINUX, ...(deviceCookie ? { cookie: `__Host-custos_device=${deviceCookie}` } : {}) },
      payload: JSON.stringify(body),
    });
  const flow = JSON.parse((await inject('/api/v1/signin/flows', {})).body).flow.id;
  await inject(`/api/v1/signin/flows/${flow}/identifier`, { identifier });
  const done = await inject(`/api/v1/signin/flows/${flow}/password`, { password });
  const device = done.cookies.find((c) => c.name === '__Host-custos_device');
  return { status: done.statusCode, token: JSON.parse(done.body).session?.token as string, device: device?.value ?? deviceCookie };
}

describe('login activity', () => {
  let t: TestApp;
  let token: string;
  beforeAll(async () => {
    t = await createTestApp();
    ({ token } = await signUp(t, { name: 'Grace Hopper', email: 'grace@example.com' }));
  });
  afterAll(() => t.close());

  it('ASVS 16.3.1: records every attempt — success, wrong password, throttled — with place, device and method', async () => {
    t.clock.advance(MINUTE);
    for (let i = 0; i < 6; i++) await signIn(t, 'grace@example.com', 'not the right password at all', { ip: '81.2.69.160' });
    const throttled = await signIn(t, 'grace@example.com', 'not the right password at all', { ip: '81.2.69.160' });
    expect(throttled.status).toBe(429);
    t.clock.advance(2 * HOUR);
    const ok = await signInWithCookie(t, 'grace@example.com', STRONG_PASSWORD);
    expect(ok.status).toBe(201);

    const page = await api(t, 'GET', '/api/v1/activity?limit=100', { token: ok.token });
    expect(page.status).toBe(200);
    const types = page.body.activity.map((e: { type: string }) => e.type);
    expect(types.filter((x: string) => x === 'signin.failed')).toHaveLength(6);
    expect(types).toContain('signin.throttled');
    const success = page.body.activity[0];
    expect(success).toMatchObject({ type: 'signin.succeeded', outcome: 'success', method: 'password', place: 'United Kingdom', device: 'Firefox on Linux', current_session: true });
    const failed = page.body.activity.find((e: { type: string }) => e.type === 'signin.failed');
    expect(failed).toMatchObject({ description: 'Sign-in failed: wrong password', outcome: 'failure', ip: '81.2.69.160' });
    expect(JSON.stringify(page.body)).not.toContain('not the right password');
  });

  it('ASVS 6.3.5: a sign-in from a new device alerts by email; the same device again does not', async () => {
    await signUp(t, { email: 'devices@example.com' });
    const first = await signInWithCookie(t, 'devices@example.com', STRONG_PASSWORD);
    expect(await outboxTemplates(t, 'devices@example.com')).toContain('newDeviceSigninEmail');
    const before = (await outboxTemplates(t, 'devices@example.com')).length;
    const again = await signInWithCookie(t, 'devices@example.com', STRONG_PASSWORD, first.device);
    expect(again.status).toBe(201);
    expect((await outboxTemplates(t, 'devices@example.com')).length).toBe(before);
    const alert = await t.app.deps.db.selectFrom('outbox').select('text_body').where('template', '=', 'newDeviceSigninEmail').where('recipient', '=', 'devices@example.com').executeTakeFirstOrThrow();
    expect(alert.text_body).toContain('Firefox on Linux');
    expect(alert.text_body).toContain('United Kingdom');
  });

  it('failed attempts past the throttle threshold alert the owner at most once an hour', async () => {
    await signUp(t, { email: 'alerts@example.com' });
    const failOnce = () => signIn(t, 'alerts@example.com', 'wrong wrong wrong wrong', { ip: `198.51.100.${Math.floor(Math.random() * 200)}` });
    for (let i = 0; i < 5; i++) await failOnce();
    expect(await outboxTemplates(t, 'alerts@example.com')).not.toContain('failedSigninsEmail');
    t.clock.advance(2 * MINUTE);
    await failOnce();
    t.clock.advance(5 * MINUTE);
    await failOnce();
    const count = (await outboxTemplates(t, 'alerts@example.com')).filter((x) => x === 'failedSigninsEmail').length;
    expect(count).toBe(1);
    t.clock.advance(HOUR);
    await failOnce();
    expect((await outboxTemplates(t, 'alerts@example.com')).filter((x) => x === 'failedSigninsEmail').length).toBe(2);
  });

  it('pages by keyset, newest first, without gaps or repeats', async () => {
    const { token: own } = await signUp(t, { email: 'pages@example.com' });
    for (let i = 0; i < 25; i++) {
      t.clock.advance(1000);
      await api(t, 'PATCH', '/api/v1/account', { token: own, body: { name: `Name ${i}` } });
    }
    const seen: string[] = [];
    let next: string | null = null;
    do {
      const page: { body: { activity: { at: string; description: string }[]; next: string | null } } = await api(t, 'GET', `/api/v1/activity?limit=7${next ? `&before=${next}` : ''}`, { token: own });
      seen.push(...page.body.activity.map((e) => `${e.at} ${e.description}`));
      next = page.body.next;
    } while (next);
    // 25 name changes, plus the account's creation, its email confirmation and the sign-in that followed:
    // each exactly once, newest first.
    expect(seen).toHaveLength(28);
    expect(new Set(seen).size).toBe(28);
    expect(seen.filter((e) => e.includes('Name changed'))).toHaveLength(25);
    const times = seen.map((e) => e.split(' ')[0]!);
    expect([...times].sort().reverse()).toEqual(times);
    expect((await api(t, 'GET', '/api/v1/activity?before=not-a-cursor', { token: own })).body.error.code).toBe('request.invalid');
    expect((await api(t, 'GET', '/api/v1/activity?limit=1000', { token: own })).status).toBe(400);
  });

  it('ASVS 8.2.2: shows only the signed-in customer’s own activity', async () => {
    const { token: other } = await signUp(t, { email: 'other@example.com' });
    const page = await api(t, 'GET', '/api/v1/activity?limit=100', { token: other });
    expect(page.body.activity.map((e: { type: string }) => e.type).sort()).toEqual(['email.verified', 'signin.succeeded', 'signup.completed']);
    const own = await api(t, 'GET', '/api/v1/activity?limit=100', { token });
    expect(own.body.activity.some((e: { type: string }) => e.type === 'signin.failed')).toBe(true);
  });

  it('retention prunes activity older than the period, in batches', async () => {
    const before = await t.app.deps.db.selectFrom('audit_events').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    t.clock.advance(400 * DAY);
    const { token: fresh } = await signUp(t, { email: 'fresh@example.com' });
    const swept = await sweepExpiredRows(t.app.deps, { batchSize: 7 });
    expect(swept.find((s) => s.table === 'audit_events')!.removed).toBe(Number(before.n));
    const page = await api(t, 'GET', '/api/v1/activity', { token: fresh });
    expect(page.body.activity.length).toBeGreaterThan(0);
  });
});
