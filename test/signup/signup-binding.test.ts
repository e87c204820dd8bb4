import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { api, createTestApp, lastCodeTo, type TestApp } from '../helpers/app.js';
import { Browser, codeIn, lastMessage, OTHER_STRONG_PASSWORD, STRONG_PASSWORD } from '../helpers/browser.js';
import { freshIp } from '../helpers/fixtures.js';

/**
 * SECURITY.md Recovery, first rule (pre-hijacking, Sudhodanan & Paverd 2022): a confirmation code or link
 * creates the account only for the person who chose its password — the browser that began the flow, or whoever
 * enters that password — and a newer sign-up for an address voids the older pending ones.
 *
 * The attack: the attacker starts a sign-up with the victim's address and the attacker's password; the victim
 * signs up too; both emails reach the victim, who presses the button (or types the code) from the attacker's.
 */
const VICTIM = 'victim@example.com';
const ATTACKER_PASSWORD = OTHER_STRONG_PASSWORD;
const LINK = /http:\/\/localhost:3000(\/signup\/confirm\/link\?\S+)/;

describe('sign-up binding (pages)', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(() => t.close());

  async function startSignup(browser: Browser, password: string) {
    // Each sign-up's email is then the newest one to the address.
    t.clock.advance(1000);
    const started = await browser.submit('/signup', '/signup', { name: 'Vic Tim', email: VICTIM, phone: '', password });
    expect(started.status).toBe(303);
    const flowId = new URL(started.location!, 'http://x').searchParams.get('flow')!;
    const message = await lastMessage(t, VICTIM, 'signupConfirmationEmail');
    const link = LINK.exec(message)![1]!;
    return { flowId, code: codeIn(message), link, token: new URL(link, 'http://x').searchParams.get('token')! };
  }

  async function accountCount() {
    return (await t.database.db.kysely.selectFrom('accounts').select('id').execute()).length;
  }

  it("SECURITY.md Recovery: the attacker's emailed link, pressed in the victim's browser, creates no account with the attacker's password", async () => {
    const victim = new Browser(t.app);
    const attacker = new Browser(t.app);
    await startSignup(victim, STRONG_PASSWORD);
    const attackers = await startSignup(attacker, ATTACKER_PASSWORD);

    // The victim presses the button in the attacker's email: this browser did not start that flow.
    const page = await victim.get(attackers.link);
    expect(page.status).toBe(200);
    expect(page.body).toContain('Enter the password you chose');
    const pressed = await victim.post('/signup/confirm/link', { flow: attackers.flowId, token: attackers.token });
    expect(pressed.status).toBe(400);
    expect(pressed.body).toContain('Enter the password you chose');
    // Their own password is not the one that flow was started with.
    const withOwn = await victim.post('/signup/confirm/link', { flow: attackers.flowId, token: attackers.token, password: STRONG_PASSWORD });
    expect(withOwn.status).toBe(400);
    expect(withOwn.body).toContain('not the password this sign-up was started with');
    expect(await accountCount()).toBe(0);
    expect(victim.cookies.has('__Host-custos_session')).toBe(false);
  });

  it("SECURITY.md Recovery: the attacker's code, typed on the attacker's flow page in another browser, needs that flow's password", async () => {
    const attacker = new Browser(t.app);
    const attackers = await startSignup(attacker, ATTACKER_PASSWORD);
    const victim = new Browser(t.app);
    const page = await victim.get(`/signup/confirm?flow=${attackers.flowId}`);
    expect(page.body).toContain('Enter the password you chose');

    const typed = await victim.post('/signup/confirm', { flow: attackers.flowId, code: attackers.code });
    expect(typed.status).toBe(400);
    expect(typed.body).toContain('Enter the password you chose');
    const wrong = await victim.post('/signup/confirm', { flow: attackers.flowId, code: attackers.code, password: STRONG_PASSWORD });
    expect(wrong.status).toBe(400);
    expect(await accountCount()).toBe(0);
  });

  it('SECURITY.md Recovery: whoever enters the flow’s password may finish in another browser, and is signed in', async () => {
    const starter = new Browser(t.app);
    const started = await startSignup(starter, STRONG_PASSWORD);
    const phone = new Browser(t.app);
    await phone.get(started.link);
    const finished = await phone.post('/signup/confirm/link', { flow: started.flowId, token: started.token, password: STRONG_PASSWORD });
    expect(finished.status).toBe(303);
    expect(finished.location).toBe('/account?welcome=1');
    expect((await phone.get('/account')).status).toBe(200);
    expect(await accountCount()).toBe(1);
  });

  it('SECURITY.md Recovery: a wrong flow password spends one of the code’s attempts, so it cannot be guessed', async () => {
    const attacker = new Browser(t.app);
    const started = await startSignup(attacker, ATTACKER_PASSWORD);
    const victim = new Browser(t.app);
    await victim.get(started.link);
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      statuses.push((await victim.post('/signup/confirm/link', { flow: started.flowId, token: started.token, password: `${STRONG_PASSWORD} ${i}` })).status);
    }
    // Five tries, as for a typed code (codes.ts MAX_ATTEMPTS), then none.
    expect(statuses).toEqual([400, 400, 400, 400, 400, 429]);
    // Even the right password no longer works on that code.
    const right = await victim.post('/signup/confirm/link', { flow: started.flowId, token: started.token, password: ATTACKER_PASSWORD });
    expect(right.status).toBe(429);
    expect(await accountCount()).toBe(0);
  });

  it('SECURITY.md Recovery: a newer sign-up for an address voids the older pending one (its code and its link)', async () => {
    const attacker = new Browser(t.app);
    const attackers = await startSignup(attacker, ATTACKER_PASSWORD);
    const victim = new Browser(t.app);
    const victims = await startSignup(victim, STRONG_PASSWORD);

    const byCode = await attacker.post('/signup/confirm', { flow: attackers.flowId, code: attackers.code });
    expect(byCode.status).toBe(410);
    await attacker.get(attackers.link);
    const byLink = await attacker.post('/signup/confirm/link', { flow: attackers.flowId, token: attackers.token });
    expect(byLink.status).toBe(410);
    expect(await accountCount()).toBe(0);

    const own = await victim.post('/signup/confirm', { flow: victims.flowId, code: victims.code });
    expect(own.location).toBe('/account?welcome=1');
  });
});

describe('sign-up binding (JSON API)', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(() => t.close());

  async function start(password: string) {
    t.clock.advance(1000);
    const started = await api(t, 'POST', '/api/v1/signup', { ip: freshIp(), body: { name: 'Vic Tim', email: VICTIM, password } });
    expect(started.status).toBe(202);
    return { flowId: started.body.flow.id as string, code: await lastCodeTo(t, VICTIM) };
  }

  it("SECURITY.md Recovery: the attacker's code, confirmed through the API without the cookie, needs that flow's password", async () => {
    const attackers = await start(ATTACKER_PASSWORD);
    const bare = await api(t, 'POST', `/api/v1/signup/${attackers.flowId}/confirm`, { body: { code: attackers.code } });
    expect(bare.status).toBe(400);
    expect(bare.body.error.code).toBe('request.invalid');
    expect(bare.body.error.fields.password).toMatch(/Enter the password you chose/);

    const wrong = await api(t, 'POST', `/api/v1/signup/${attackers.flowId}/confirm`, { body: { code: attackers.code, password: STRONG_PASSWORD } });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.code).toBe('signup.password_incorrect');
    expect(wrong.body.session).toBeUndefined();
    const accounts = await t.app.deps.db.selectFrom('accounts').select('id').execute();
    expect(accounts).toHaveLength(0);
  });

  it('SECURITY.md Recovery: with the flow’s password the API creates the account and signs in', async () => {
    const mine = await start(STRONG_PASSWORD);
    const confirmed = await api(t, 'POST', `/api/v1/signup/${mine.flowId}/confirm`, { body: { code: mine.code, password: STRONG_PASSWORD } });
    expect(confirmed.status).toBe(201);
    expect(confirmed.body.session.token).toBeTruthy();
  });

  it('SECURITY.md Recovery: a newer sign-up through the API voids the older pending one', async () => {
    const older = await start(ATTACKER_PASSWORD);
    const newer = await start(STRONG_PASSWORD);
    const stale = await api(t, 'POST', `/api/v1/signup/${older.flowId}/confirm`, { body: { code: older.code, password: ATTACKER_PASSWORD } });
    expect(stale.status).toBe(410);
    const fresh = await api(t, 'POST', `/api/v1/signup/${newer.flowId}/confirm`, { body: { code: newer.code, password: STRONG_PASSWORD } });
    expect(fresh.status).toBe(201);
  });
});
