import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as client from 'openid-client';
import type { ListeningTestApp } from '../helpers/app.js';
import { HttpBrowser, partnerSite, redeem, signedInCustomer, signInWith, startProvider, type TestPartner } from './oidc-helpers.js';

/**
 * One code, one token set; one refresh token, one rotation — however many requests race for it. The provider
 * checks "consumed" and then consumes; only the adapter's one conditional update makes that atomic.
 */
describe('Sign in with the store: redemptions that race', () => {
  let t: ListeningTestApp;
  let partner: TestPartner;
  let browser: HttpBrowser;
  beforeAll(async () => {
    t = await startProvider();
    partner = await partnerSite(t);
    ({ browser } = await signedInCustomer(t, 'race@example.com'));
  });
  afterAll(() => t.close());

  for (const racers of [4, 50]) {
    it(`one authorization code redeemed ${racers} times at once gives one token set`, async () => {
      const signin = await signInWith(partner, browser);
      const answers = await Promise.allSettled(Array.from({ length: racers }, () => redeem(partner, signin)));
      const won = answers.filter((a) => a.status === 'fulfilled');
      expect(won).toHaveLength(1);
      for (const lost of answers.filter((a) => a.status === 'rejected')) expect((lost as PromiseRejectedResult).reason).toMatchObject({ error: 'invalid_grant' });
      // A code seen again after use also revokes what it gave (RFC 6749 4.1.2): the winner's tokens are gone too.
      await expect(client.fetchUserInfo(partner.rp, (won[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof redeem>>>).value.access_token, client.skipSubjectCheck)).rejects.toBeDefined();
    });
  }

  it('refresh tokens rotate; one refresh token used 4 times at once gives one new token set', async () => {
    const signin = await signInWith(partner, browser, { scope: 'openid offline_access', prompt: 'consent' });
    const tokens = await redeem(partner, signin);
    expect(tokens.refresh_token).toBeTruthy();
    const rotated = await client.refreshTokenGrant(partner.rp, tokens.refresh_token!);
    expect(rotated.refresh_token).toBeTruthy();
    expect(rotated.refresh_token).not.toBe(tokens.refresh_token);
    const answers = await Promise.allSettled(Array.from({ length: 4 }, () => client.refreshTokenGrant(partner.rp, rotated.refresh_token!)));
    expect(answers.filter((a) => a.status === 'fulfilled')).toHaveLength(1);
    for (const lost of answers.filter((a) => a.status === 'rejected')) expect((lost as PromiseRejectedResult).reason).toMatchObject({ error: 'invalid_grant' });
  });

  it('an old refresh token used again is refused', async () => {
    const signin = await signInWith(partner, browser, { scope: 'openid offline_access', prompt: 'consent' });
    const tokens = await redeem(partner, signin);
    await client.refreshTokenGrant(partner.rp, tokens.refresh_token!);
    await expect(client.refreshTokenGrant(partner.rp, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
  });
});
