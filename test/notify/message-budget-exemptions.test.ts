import { afterEach, describe, expect, it } from 'vitest';
import { HOUR, MINUTE } from '../../src/platform/clock.js';
import { api, createTestApp, lastCodeTo, signIn, STRONG_PASSWORD, type TestApp } from '../helpers/app.js';
import { freshIp, messagesTo, signUpFrom } from '../helpers/fixtures.js';

/**
 * Budgets must not become a denial of service of their own. Security notices are never refused (a flood is
 * combined into one digest an hour), and codes sent after a correct password draw on their own allowance, so
 * anonymous requests naming the owner's number cannot use up the owner's second step.
 */
const PHONE = '+14155550132';

async function accountWithPhone(t: TestApp, email: string): Promise<string> {
  const { token } = await signUpFrom(t, { email, phone: PHONE });
  expect((await api(t, 'POST', '/api/v1/account/phone/confirm', { token, body: { code: await lastCodeTo(t, PHONE) } })).status).toBe(200);
  t.clock.advance(HOUR);
  return token;
}

/** Anonymous passwordless sign-in requests for the number until it is refused; returns how many were asked. */
async function spendPublicTextsTo(t: TestApp, phone: string): Promise<number> {
  for (let asked = 1; asked <= 20; asked++) {
    const ip = freshIp();
    const flow = await api(t, 'POST', '/api/v1/signin/flows', { body: {}, ip });
    await api(t, 'POST', `/api/v1/signin/flows/${flow.body.flow.id}/identifier`, { body: { identifier: phone }, ip });
    if ((await api(t, 'POST', `/api/v1/signin/flows/${flow.body.flow.id}/sms-code`, { body: {}, ip })).status === 429) return asked;
  }
  throw new Error('the public texts to the number were never refused');
}

async function stepUp(t: TestApp, token: string): Promise<string> {
  const confirmed = await api(t, 'POST', '/api/v1/step-up', { token, body: { password: STRONG_PASSWORD } });
  expect(confirmed.status).toBe(200);
  return confirmed.body.session.token;
}

describe('budgets that must not deny the owner', () => {
  let t: TestApp;
  afterEach(() => t.close());

  it('security notices are still delivered when the address and number budgets are spent', async () => {
    t = await createTestApp();
    const token = await accountWithPhone(t, 'ada@example.com');
    expect(await spendPublicTextsTo(t, PHONE)).toBe(6);
    for (let i = 0; i < 5; i++) await api(t, 'POST', '/api/v1/signup', { ip: freshIp(), body: { name: 'X', email: 'ada@example.com', password: STRONG_PASSWORD } });
    expect((await api(t, 'POST', '/api/v1/signup', { ip: freshIp(), body: { name: 'X', email: 'ada@example.com', password: STRONG_PASSWORD } })).status).toBe(429);

    const since = t.clock.now();
    const renamed = await api(t, 'PATCH', '/api/v1/account', { token, body: { name: 'Ada Lovelace' } });
    expect(renamed.status).toBe(200);
    const notices = (recipient: string) =>
      messagesTo(t, recipient).then((rows) => rows.filter((m) => m.template.startsWith('securityNotice') && m.created_at >= since));
    expect((await notices('ada@example.com')).map((m) => m.subject)).toEqual(['The name on your account was changed']);
    expect((await notices(PHONE)).map((m) => m.subject)).toEqual(['The name on your account was changed']);
  });

  it('a flood of notices is combined: three an hour go at once, the rest in one digest when the hour ends', async () => {
    t = await createTestApp();
    const { token } = await signUpFrom(t, { email: 'flood@example.com' });
    t.clock.advance(HOUR);
    for (let i = 1; i <= 6; i++) {
      expect((await api(t, 'PATCH', '/api/v1/account', { token, body: { name: `Name ${i}` } })).status).toBe(200);
      t.clock.advance(MINUTE);
    }
    const rows = await messagesTo(t, 'flood@example.com');
    const single = rows.filter((m) => m.template === 'securityNoticeEmail' && m.created_at >= t.clock.now() - HOUR);
    const digests = rows.filter((m) => m.template === 'securityDigest');
    expect(single).toHaveLength(3);
    expect(digests).toHaveLength(1);
    expect(digests[0]!.text_body.match(/The name on your account was changed/g)).toHaveLength(3);
    // Held until the hour ends, then sent like any message.
    const hourEnds = Math.ceil(t.clock.now() / HOUR) * HOUR;
    expect(digests[0]!.next_attempt_at).toBe(hourEnds);
    await t.app.worker.deliverDue(50);
    const status = () => t.app.deps.db.selectFrom('outbox').select('status').where('id', '=', digests[0]!.id).executeTakeFirstOrThrow();
    expect((await status()).status).toBe('pending');
    t.clock.set(hourEnds);
    await t.app.worker.deliverDue(50);
    expect((await status()).status).toBe('sent');
  });

  it("the second-step code is still sent after anonymous requests spent the number's public allowance", async () => {
    t = await createTestApp();
    const token = await accountWithPhone(t, 'owner@example.com');
    expect((await api(t, 'POST', '/api/v1/two-step/sms', { token: await stepUp(t, token), body: {} })).status).toBe(204);
    t.clock.advance(HOUR);
    expect(await spendPublicTextsTo(t, PHONE)).toBe(6);

    const afterPassword = await signIn(t, 'owner@example.com', STRONG_PASSWORD);
    expect(afterPassword.body.flow.methods).toEqual(['sms']);
    const flowId = afterPassword.body.flow.id;
    expect((await api(t, 'POST', `/api/v1/signin/flows/${flowId}/sms`, { body: {} })).status).toBe(204);
    const done = await api(t, 'POST', `/api/v1/signin/flows/${flowId}/second-factor`, { body: { method: 'sms', code: await lastCodeTo(t, PHONE) } });
    expect(done.status).toBe(201);
  });
});
