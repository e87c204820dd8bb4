import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { api, createTestApp, STRONG_PASSWORD, type ListeningTestApp, type TestApp } from '../helpers/app.js';
import { burst, burstIp, TRUST_ONE_PROXY } from '../helpers/burst.js';
import { setupToken } from '../helpers/staff.js';
import { createStaff } from '../../src/staff/members.js';
import { totpCodeAt } from '../../src/methods/totp/totp.js';
import { HOUR } from '../../src/platform/clock.js';

/** The setup link: single use (even under concurrency), 24 hours, the customers' password rules, an authenticator enrolled. */
async function newMember(t: TestApp, email = 'new@support.example') {
  const { staff, setupLink } = await createStaff(t.app.deps, { id: null, role: 'shell' }, { email, name: 'New Person', role: 'agent' });
  return { staffId: staff.id, token: setupToken(setupLink) };
}

describe('staff setup links', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(() => t.close());

  it('sets a password and an authenticator; a wrong code or weak password leaves the link usable; then it works no more', async () => {
    const { staffId, token } = await newMember(t);
    const opened = await api(t, 'POST', '/api/support/v1/setup/authenticator', { body: { token } });
    expect(opened.status).toBe(200);
    expect(opened.body.staff).toEqual({ name: 'New Person', email: 'new@support.example', role: 'agent' });
    const key = opened.body.authenticator.key as string;
    expect(opened.body.authenticator.uri).toContain('otpauth://totp/');

    const weak = await api(t, 'POST', '/api/support/v1/setup', { body: { token, password: 'password1', code: totpCodeAt(key, t.clock.now()) } });
    expect([weak.status, Object.keys(weak.body.error.fields)]).toEqual([400, ['password']]);
    const wrongCode = await api(t, 'POST', '/api/support/v1/setup', { body: { token, password: STRONG_PASSWORD, code: '000000' } });
    expect([wrongCode.status, wrongCode.body.error.code]).toEqual([400, 'code.invalid']);

    const done = await api(t, 'POST', '/api/support/v1/setup', { body: { token, password: STRONG_PASSWORD, code: totpCodeAt(key, t.clock.now()) } });
    expect(done.status).toBe(200);
    expect(done.body.staff).toMatchObject({ id: staffId, status: 'active' });
    t.clock.advance(30_000);
    for (const path of ['/api/support/v1/setup/authenticator', '/api/support/v1/setup']) {
      const again = await api(t, 'POST', path, { body: path.endsWith('setup') ? { token, password: STRONG_PASSWORD, code: totpCodeAt(key, t.clock.now()) } : { token } });
      expect([again.status, again.body.error.code]).toEqual([410, 'staff.setup_link_invalid']);
    }
    const signin = await api(t, 'POST', '/api/support/v1/signin', { body: { email: 'new@support.example', password: STRONG_PASSWORD } });
    expect(signin.status).toBe(200);
  });

  it('expires after 24 hours, and refuses malformed and unknown tokens alike', async () => {
    const { token } = await newMember(t);
    for (const bad of ['', 'x', 'A'.repeat(43), `${token}x`, '../../etc/passwd']) {
      const answer = await api(t, 'POST', '/api/support/v1/setup/authenticator', { body: { token: bad } });
      expect(answer.status).toBe(410);
    }
    t.clock.advance(24 * HOUR);
    expect((await api(t, 'POST', '/api/support/v1/setup/authenticator', { body: { token } })).status).toBe(410);
  });

  it('a new link (reset) retires the older one', async () => {
    const { staffId, token } = await newMember(t);
    const { resetStaffFactors } = await import('../../src/staff/members.js');
    const reset = await resetStaffFactors(t.app.deps, { id: null, role: 'shell' }, staffId);
    expect((await api(t, 'POST', '/api/support/v1/setup/authenticator', { body: { token } })).status).toBe(410);
    expect((await api(t, 'POST', '/api/support/v1/setup/authenticator', { body: { token: setupToken(reset.setupLink) } })).status).toBe(200);
  });
});

describe('a setup link under concurrency', () => {
  let t: ListeningTestApp;
  beforeEach(async () => {
    t = await createTestApp(TRUST_ONE_PROXY, { listen: true });
  });
  afterEach(() => t.close());

  it('20 simultaneous completions of one link: exactly one succeeds, the rest are refused, one password set', async () => {
    const { staffId, token } = await newMember(t);
    const key = (await api(t, 'POST', '/api/support/v1/setup/authenticator', { body: { token } })).body.authenticator.key as string;
    const code = totpCodeAt(key, t.clock.now());
    const answers = await burst(Array.from({ length: 20 }, (_, n) => ({ server: t, path: '/api/support/v1/setup', body: { token, password: `${STRONG_PASSWORD} ${n}`, code }, ip: burstIp(n) })));
    expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
    expect(answers.filter((a) => a.status >= 500)).toEqual([]);
    expect(answers.filter((a) => a.status !== 200).every((a) => a.status === 410 || a.code === 'code.invalid')).toBe(true);
    const completed = await t.app.deps.db.selectFrom('staff_audit').select('id').where('type', '=', 'staff.setup_completed').where('staff_id', '=', staffId).execute();
    expect(completed).toHaveLength(1);
  }, 60_000);
});
