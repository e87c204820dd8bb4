import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, STRONG_PASSWORD, type TestApp } from '../helpers/app.js';
import { Browser, expectEveryInputLabelled } from '../helpers/browser.js';
import { setUpStaff, setupToken, staffSession } from '../helpers/staff.js';
import { createStaff } from '../../src/staff/members.js';
import { totpCodeAt } from '../../src/methods/totp/totp.js';

/** The console's way in as pages: setup link, sign-in in two steps, the home page by role, admins managing staff. */
describe('support console pages', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(() => t.close());

  it('a setup link page sets a password and an authenticator, then the person signs in and sees what their role may do', async () => {
    const { setupLink } = await createStaff(t.app.deps, { id: null, role: 'shell' }, { email: 'sam@support.example', name: 'Sam Supervisor', role: 'supervisor' });
    const browser = new Browser(t.app);
    const setup = await browser.get(`/support/setup?token=${setupToken(setupLink)}`);
    expect(setup.status).toBe(200);
    expectEveryInputLabelled(setup.body);
    const key = /<code>([A-Z2-7]+)<\/code>/.exec(setup.body)![1]!;
    const done = await browser.post('/support/setup', { token: setupToken(setupLink), password: STRONG_PASSWORD, code: totpCodeAt(key, t.clock.now()) });
    expect([done.status, done.location]).toEqual([303, '/support/signin?notice=setup']);
    expect((await browser.get(`/support/setup?token=${setupToken(setupLink)}`)).status).toBe(410);

    expect((await browser.get('/support')).location).toBe('/support/signin');
    const signin = await browser.get('/support/signin?notice=setup');
    expectEveryInputLabelled(signin.body);
    const codePage = await browser.post('/support/signin', { email: 'sam@support.example', password: STRONG_PASSWORD });
    expect(codePage.status).toBe(200);
    const ticket = /name="ticket" value="([^"]+)"/.exec(codePage.body)![1]!;
    t.clock.advance(30_000);
    const signedIn = await browser.post('/support/signin/code', { ticket, code: totpCodeAt(key, t.clock.now()) });
    expect([signedIn.status, signedIn.location]).toEqual([303, '/support']);
    const home = await browser.get('/support');
    expect(home.body).toContain('data-permission="recovery.approve"');
    expect(home.body).not.toContain('data-permission="staff.manage"');
    // A supervisor is refused the staff pages.
    expect((await browser.get('/support/staff')).status).toBe(403);
    expect((await browser.post('/support/signout', {})).location).toBe('/support/signin');
    expect((await browser.get('/support')).location).toBe('/support/signin');
  });

  it('a wrong password on the sign-in page answers like an unknown email; a form without its CSRF token is refused', async () => {
    const member = await setUpStaff(t, { role: 'agent' });
    const browser = new Browser(t.app);
    await browser.get('/support/signin');
    const wrong = await browser.post('/support/signin', { email: member.email, password: 'not the right password' });
    const unknown = await browser.post('/support/signin', { email: 'nobody@support.example', password: 'not the right password' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body.replace(/value="[^"]*"/g, '')).toBe(unknown.body.replace(/value="[^"]*"/g, ''));
    expect((await browser.post('/support/signin', { email: member.email, password: STRONG_PASSWORD }, { csrf: false })).status).toBe(403);
  });

  it('an admin adds a staff member in the console and sees the setup link once; disables and resets from the list', async () => {
    const admin = await staffSession(t, { role: 'admin' });
    const browser = new Browser(t.app);
    browser.cookies.set('__Host-custos_staff', admin.token);
    const list = await browser.get('/support/staff');
    expect(list.status).toBe(200);
    const added = await browser.post('/support/staff', { name: 'Al Agent', email: 'al@support.example', role: 'agent' });
    expect(added.status).toBe(200);
    const link = /class="setup-link">([^<]+)</.exec(added.body)![1]!;
    expect(link).toContain('/support/setup?token=');
    const again = await browser.get('/support/staff');
    expect(again.body).toContain('al@support.example');
    expect(again.body).not.toContain(setupToken(link.replace(/&amp;/g, '&')));
    const id = (await t.app.deps.db.selectFrom('staff').select('id').where('email', '=', 'al@support.example').executeTakeFirstOrThrow()).id;
    const reset = await browser.post(`/support/staff/${id}/reset-factors`, {});
    expect(reset.body).toMatch(/class="setup-link"/);
    const disabled = await browser.post(`/support/staff/${id}/disable`, {});
    expect(disabled.body).toContain('Disabled al@support.example');
    expect((await browser.get('/support/staff/audit')).body).toContain('staff.disabled');
  });
});
