import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { newMessageReference } from '../../src/notify/message-records.js';
import { cryptoRandom } from '../../src/platform/random.js';
import { api, createTestApp, lastCodeTo, type TestApp } from '../helpers/app.js';
import { signUpFrom } from '../helpers/fixtures.js';

/**
 * A record of every message sent, outside the outbox (which erases bodies after delivery), kept for
 * ACTIVITY_RETENTION_DAYS: a short unguessable reference, the channel, a masked destination and the subject —
 * never a body, since bodies carry codes. And the budgets' configuration is validated like the rest.
 */
describe('the record of every message sent', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('every queued message has a record with a masked destination, its subject and no code', async () => {
    t = await createTestApp();
    const { token, accountId } = await signUpFrom(t, { email: 'ada@example.com', phone: '+14155550132' });
    const smsCode = await lastCodeTo(t, '+14155550132');
    await api(t, 'POST', '/api/v1/account/phone/confirm', { token, body: { code: smsCode } });

    const outbox = await t.app.deps.db.selectFrom('outbox').selectAll().orderBy('id').execute();
    const records = await t.app.deps.db.selectFrom('message_records').selectAll().orderBy('id').execute();
    expect(records.map((r) => [r.channel, r.subject])).toEqual(outbox.map((m) => [m.channel, m.subject]));
    expect(records.map((r) => r.destination)).toEqual(
      expect.arrayContaining(['a•••@e•••.com', '+1 •••• ••32']),
    );
    expect(records.every((r) => /^[0-9A-HJKMNP-TV-Z]{10}$/.test(r.reference))).toBe(true);
    expect(new Set(records.map((r) => r.reference)).size).toBe(records.length);
    expect(records.filter((r) => r.account_id === accountId).length).toBeGreaterThan(0);
    const everything = JSON.stringify(records);
    expect(everything).not.toContain(smsCode);
    expect(everything).not.toContain('ada@example.com');
    expect(everything).not.toContain('4155550132');

    // The outbox forgets delivered bodies in production; the record stays.
    await t.app.deps.db.deleteFrom('outbox').execute();
    expect(await t.app.deps.db.selectFrom('message_records').select('id').execute()).toHaveLength(records.length);
  });

  it('references are 10 base32 characters (50 bits) from the CSPRNG', () => {
    const many = Array.from({ length: 2000 }, () => newMessageReference(cryptoRandom));
    expect(many.every((r) => /^[0-9A-HJKMNP-TV-Z]{10}$/.test(r))).toBe(true);
    expect(new Set(many).size).toBe(many.length);
  });

  it('the budget settings must be positive whole numbers, and say which one is wrong', () => {
    for (const bad of ['0', '-3', '2.5', 'lots']) {
      expect(() => loadConfig({ SMS_BUDGET_NUMBER_HOUR: bad }), bad).toThrow(ConfigError);
      expect(() => loadConfig({ SMS_MAX_PER_HOUR: bad }), bad).toThrow(/SMS_MAX_PER_HOUR/);
      expect(() => loadConfig({ EMAIL_BUDGET_ADDRESS_DAY: bad }), bad).toThrow(/EMAIL_BUDGET_ADDRESS_DAY/);
    }
    const config = loadConfig({ SMS_BUDGET_COUNTRY_DAY: '5000', EMAIL_BUDGET_ADDRESS_HOUR: '3' });
    expect(config.messageBudgets.sms.country.day).toBe(5000);
    expect(config.messageBudgets.email.address.hour).toBe(3);
    expect(loadConfig({}).messageBudgets.sms).toMatchObject({ number: { hour: 5, day: 10 }, maxPerHour: 500 });
  });
});
