import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { api, createTestApp, lastCodeTo, type TestApp } from '../helpers/app.js';
import { HOUR } from '../../src/platform/clock.js';
import { RESET_SENDS_PER_HOUR } from '../../src/recovery/password-reset.js';
import { freshIp, messagesTo, signUpFrom, UNLIMITED_MESSAGE_BUDGETS } from '../helpers/fixtures.js';

/**
 * SECURITY.md Recovery: one live reset proof per account (a new request voids the previous one, whichever
 * channel asked), and the owner is not flooded with reset messages; the answer never changes.
 */
function requestReset(t: TestApp, identifier: string) {
  return api(t, 'POST', '/api/v1/recovery/password', { body: { identifier }, ip: freshIp() });
}

function confirmCode(t: TestApp, flowId: string, code: string) {
  return api(t, 'POST', `/api/v1/recovery/password/${flowId}/confirm`, { body: { code }, ip: freshIp() });
}

describe('reset proofs', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp(UNLIMITED_MESSAGE_BUDGETS);
  });
  afterEach(() => t.close());

  it('SECURITY.md Recovery: one live reset proof per account — a new request by email or text voids the older ones', async () => {
    const { token, accountId } = await signUpFrom(t, { email: 'owner@example.com', phone: '+14155550132' });
    await api(t, 'POST', '/api/v1/account/phone/confirm', { token, body: { code: await lastCodeTo(t, '+14155550132') } });

    const first = await requestReset(t, 'owner@example.com');
    const firstCode = await lastCodeTo(t, 'owner@example.com');
    const second = await requestReset(t, 'owner@example.com');
    const secondCode = await lastCodeTo(t, 'owner@example.com');
    const byText = await requestReset(t, '+14155550132');
    const textCode = await lastCodeTo(t, '+14155550132');
    // The allowance is the account's, whichever identifier asks: this one is answered alike but sends nothing.
    await requestReset(t, '+14155550132');
    expect(await lastCodeTo(t, '+14155550132')).toBe(textCode);

    const live = await t.app.deps.db.selectFrom('verifications').select('id').where('purpose', '=', 'password_reset').where('account_id', '=', accountId).where('consumed_at', 'is', null).execute();
    expect(live).toHaveLength(1);
    expect((await confirmCode(t, first.body.flow.id, firstCode)).body.error.code).toBe('code.expired');
    expect((await confirmCode(t, second.body.flow.id, secondCode)).body.error.code).toBe('code.expired');
    expect((await confirmCode(t, byText.body.flow.id, textCode)).status).toBe(200);
  });

  it(`SECURITY.md Recovery: reset requests are limited per account — at most ${RESET_SENDS_PER_HOUR} reset messages an hour, the same answer after`, async () => {
    await signUpFrom(t, { email: 'owner@example.com' });
    const answers = [];
    for (let i = 0; i < RESET_SENDS_PER_HOUR + 3; i++) answers.push(await requestReset(t, 'owner@example.com'));
    const unknown = await requestReset(t, 'nobody@example.com');

    const sent = (await messagesTo(t, 'owner@example.com')).filter((m) => m.template === 'passwordResetEmail');
    expect(sent).toHaveLength(RESET_SENDS_PER_HOUR);
    for (const answer of answers) {
      expect(answer.status).toBe(202);
      expect(Object.keys(answer.body).sort()).toEqual(Object.keys(unknown.body).sort());
      expect(answer.body.message).toBe(unknown.body.message);
    }
    // The last proof that was sent stays live: a flood of requests can't void what the owner received.
    const lastSentCode = await lastCodeTo(t, 'owner@example.com');
    expect((await confirmCode(t, answers[RESET_SENDS_PER_HOUR - 1]!.body.flow.id, lastSentCode)).status).toBe(200);

    t.clock.advance(HOUR);
    await requestReset(t, 'owner@example.com');
    expect((await messagesTo(t, 'owner@example.com')).filter((m) => m.template === 'passwordResetEmail')).toHaveLength(RESET_SENDS_PER_HOUR + 1);
  });
});
