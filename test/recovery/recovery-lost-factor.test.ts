import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MINUTE } from '../../src/platform/clock.js';
import { NEEDS_SUPPORT_MESSAGE } from '../../src/recovery/lost-factor.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { Browser, codeIn, expectEveryInputLabelled, lastMessage, signUp } from '../helpers/browser.js';
import { addAuthenticator, signInToSecondStep } from '../helpers/two-step.js';

const SESSION = '__Host-custos_session';

describe('lost every second step, through the pages', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(async () => {
    await t.close();
  });

  async function janeWithAuthenticator(withPhone: boolean): Promise<void> {
    const owner = new Browser(t.app);
    await signUp(t, owner, { name: 'Jane Doe', email: 'jane@example.com' });
    if (withPhone) {
      await owner.submit('/account/phone', '/account/phone', { phone: '+1 415 555 0167' });
      await owner.submit('/account/phone/confirm', '/account/phone/confirm', { code: codeIn(await lastMessage(t, '+14155550167', 'phoneCodeSms')) });
    }
    await addAuthenticator(t, owner);
  }

  it('ASVS 6.4.4: a code to the email and one to the phone, both entered, sign in and ask to set the second step up again', async () => {
    await janeWithAuthenticator(true);
    const browser = new Browser(t.app);
    const { flow } = await signInToSecondStep(browser, 'jane@example.com');

    const explain = await browser.get(`/signin/verify/lost?flow=${flow}`);
    expect(explain.status).toBe(200);
    expect(explain.body).toContain("We'll send one code to your email and one to your phone; enter both.");
    expect(explain.body).toContain('<button type="submit" class="button">Send the codes</button>');

    const sent = await browser.post('/signin/verify/lost', { flow });
    expect(sent.status).toBe(303);
    expect(sent.location).toBe(`/signin/verify/lost?flow=${flow}&sent=1`);
    const form = await browser.get(sent.location!);
    expect(form.status).toBe(200);
    expect(form.body).toContain('j•••@e•••.com');
    expect(form.body).toContain('+1 •••• ••67');
    expect(form.body).not.toContain('jane@example.com');
    expect(form.body).toContain('<label for="emailCode">Code from the email</label>');
    expect(form.body).toContain('<label for="smsCode">Code from the text message</label>');
    expect(form.body).toMatch(/<input id="smsCode" name="smsCode" type="text" autocomplete="one-time-code" inputmode="numeric"/);
    expectEveryInputLabelled(form.body);

    const emailCode = codeIn(await lastMessage(t, 'jane@example.com', 'lostFactorEmail'));
    const smsCode = codeIn(await lastMessage(t, '+14155550167', 'lostFactorSms'));
    const wrong = await browser.post('/signin/verify/lost/verify', { flow, emailCode, smsCode: smsCode === '000000' ? '111111' : '000000' });
    expect(wrong.status).toBe(400);
    expect(wrong.body).toContain('One or both codes are not correct.');
    expect(browser.cookies.has(SESSION)).toBe(false);

    // A new pair replaces the first.
    t.clock.advance(MINUTE);
    expect((await browser.post('/signin/verify/lost', { flow })).location).toBe(`/signin/verify/lost?flow=${flow}&sent=1`);
    const done = await browser.post('/signin/verify/lost/verify', {
      flow,
      emailCode: codeIn(await lastMessage(t, 'jane@example.com', 'lostFactorEmail')),
      smsCode: codeIn(await lastMessage(t, '+14155550167', 'lostFactorSms')),
    });
    expect(done.status).toBe(303);
    expect(done.location).toBe('/account/two-step');
    expect(browser.cookies.has(SESSION)).toBe(true);
    const twoStep = await browser.get('/account/two-step');
    expect(twoStep.status).toBe(200);
    const factors = await t.database.db.kysely.selectFrom('factors').select('id').execute();
    expect(factors).toHaveLength(0);
    expect(await lastMessage(t, 'jane@example.com', 'securityNoticeEmail')).toBeTruthy();

    // The flow is finished: the page starts again.
    expect((await browser.get(`/signin/verify/lost?flow=${flow}`)).status).toBe(409);
  });

  it('an account without a confirmed phone is told calmly to ask customer service, and nothing is sent', async () => {
    await janeWithAuthenticator(false);
    const browser = new Browser(t.app);
    const { flow } = await signInToSecondStep(browser, 'jane@example.com');
    await browser.get(`/signin/verify/lost?flow=${flow}`);
    const answer = await browser.post('/signin/verify/lost', { flow });
    expect(answer.status).toBe(409);
    expect(answer.body).toContain(NEEDS_SUPPORT_MESSAGE);
    expect(answer.body).toContain('class="callout"');
    expect(answer.body).not.toContain('error-summary');
    expect(answer.body).toContain(`href="/signin/verify?flow=${flow}"`);
    const sent = await t.database.db.kysely.selectFrom('outbox').select('id').where('template', '=', 'lostFactorEmail').execute();
    expect(sent).toHaveLength(0);
  });

  it('without a flow waiting for the second step, it starts again', async () => {
    const browser = new Browser(t.app);
    const none = await browser.get('/signin/verify/lost');
    expect(none.status).toBe(409);
    expect(none.body).toContain('Your sign-in timed out. Please sign in again.');
    const unknown = await browser.get('/signin/verify/lost?flow=AAAAAAAAAAAAAAAAAAAAAA');
    expect(unknown.status).toBe(409);
  });
});
