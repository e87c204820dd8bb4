import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { api, createTestApp, type TestApp } from '../../helpers/app.js';
import { messagesTo } from '../../helpers/fixtures.js';
import { addCardByApi, customerWithAddress } from './card-fixtures.js';

/**
 * Re-entering a saved card with a later expiry replaces its gateway token — where future payments go — and its
 * date. Like adding a card, that is never silent: a notice at every verified contact and an audit entry,
 * written in the same transaction as the change, so neither can happen without the other.
 */
describe('a saved card re-entered with a later expiry', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(() => t.close());

  async function storedCard(id: string) {
    return t.app.deps.db.selectFrom('cards').select(['gateway_token', 'exp_month', 'exp_year']).where('id', '=', id).executeTakeFirstOrThrow();
  }

  async function renewedEvents(accountId: string) {
    return t.app.deps.db.selectFrom('audit_events').select(['type', 'detail']).where('account_id', '=', accountId).where('type', '=', 'card.renewed').execute();
  }

  async function updateNotices(): Promise<Array<{ subject: string; text_body: string }>> {
    return (await messagesTo(t, 'ada@example.com')).filter((m) => m.subject === 'A card on your account was updated');
  }

  it('tells the customer and writes card.renewed to the audit trail; the activity page names brand and last 4', async () => {
    const ada = await customerWithAddress(t, 'ada@example.com');
    const first = await addCardByApi(t, ada.token, { number: '5555555555554444', expiry: '04/28' });
    const before = await storedCard(first.body.card.id);

    const renewed = await addCardByApi(t, ada.token, { number: '5555555555554444', expiry: '09/31' });
    expect(renewed.body).toMatchObject({ already_saved: true, expiry_updated: true });
    const after = await storedCard(first.body.card.id);
    expect(after.gateway_token).not.toBe(before.gateway_token);
    expect([after.exp_month, after.exp_year]).toEqual([9, 2031]);

    const notices = await updateNotices();
    expect(notices).toHaveLength(1);
    expect(notices[0]!.text_body).toContain('Your Mastercard ending in 4444 was updated with a new expiry date.');
    expect(notices[0]!.text_body).not.toContain('5555555555554444');
    const events = await renewedEvents(ada.accountId);
    expect(events.map((e) => JSON.parse(e.detail))).toEqual([{ brand: 'Mastercard', last4: '4444', expiry: '09/31' }]);
    const activity = await api(t, 'GET', '/api/v1/activity', { token: ada.token });
    expect(activity.body.activity[0].description).toBe('Payment card updated with a new expiry date: Mastercard •••• 4444');
  });

  it('the same or an earlier expiry changes nothing and tells nobody', async () => {
    const ada = await customerWithAddress(t, 'ada@example.com');
    const first = await addCardByApi(t, ada.token, { number: '5555555555554444', expiry: '04/28' });
    const before = await storedCard(first.body.card.id);
    for (const expiry of ['04/28', '01/27']) {
      const again = await addCardByApi(t, ada.token, { number: '5555555555554444', expiry });
      expect(again.body, expiry).toMatchObject({ already_saved: true, expiry_updated: false });
    }
    expect(await storedCard(first.body.card.id)).toEqual(before);
    expect(await updateNotices()).toHaveLength(0);
    expect(await renewedEvents(ada.accountId)).toHaveLength(0);
  });

  it('one transaction: when the audit entry cannot be written, the token, the date and the notice are all left unwritten', async () => {
    const ada = await customerWithAddress(t, 'ada@example.com');
    const first = await addCardByApi(t, ada.token, { number: '5555555555554444', expiry: '04/28' });
    const before = await storedCard(first.body.card.id);
    const messagesBefore = (await messagesTo(t, 'ada@example.com')).length;

    await sql`ALTER TABLE audit_events RENAME TO audit_events_away`.execute(t.app.deps.db);
    try {
      const failed = await addCardByApi(t, ada.token, { number: '5555555555554444', expiry: '09/31' });
      expect(failed.status).toBe(500);
    } finally {
      await sql`ALTER TABLE audit_events_away RENAME TO audit_events`.execute(t.app.deps.db);
    }
    expect(await storedCard(first.body.card.id)).toEqual(before);
    expect((await messagesTo(t, 'ada@example.com')).length).toBe(messagesBefore);
  });
});
