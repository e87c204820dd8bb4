import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ListeningTestApp } from '../helpers/app.js';
import { insertIdentifier } from '../../src/accounts/store.js';
import { parseEmail, parsePhone, type ParsedIdentifier } from '../../src/accounts/identifiers.js';
import { addAddress } from '../../src/wallet/addresses/addresses.js';
import { firstChoices, partnerSite, redeem, signedInCustomer, signInWith, startProvider, startSignin, type TestPartner } from './oidc-helpers.js';

/** Who the partner learns the customer is: a pairwise sub, and only what the customer picked on the consent page. */
describe('Sign in with the store: subjects and claims', () => {
  let t: ListeningTestApp;
  let partner: TestPartner;
  beforeAll(async () => {
    t = await startProvider();
    partner = await partnerSite(t, { name: 'Lamp Shop' });
  });
  afterAll(() => t.close());

  function parsed(value: ParsedIdentifier | string): ParsedIdentifier {
    if (typeof value === 'string') throw new Error(value);
    return value;
  }

  it('pairwise sub: two partners get different, stable subjects, and neither is the account id', async () => {
    const other = await partnerSite(t, { name: 'Tea Shop', redirectUris: ['http://localhost:9/cb'] });
    const { browser, accountId } = await signedInCustomer(t, 'pair@example.com');
    const first = (await redeem(partner, await signInWith(partner, browser))).claims()!.sub;
    const again = (await redeem(partner, await signInWith(partner, browser))).claims()!.sub;
    const elsewhere = (await redeem(other, await signInWith(other, browser))).claims()!.sub;
    expect(again).toBe(first);
    expect(elsewhere).not.toBe(first);
    for (const sub of [first, elsewhere]) {
      expect(sub).not.toBe(accountId);
      expect(sub).not.toContain(accountId);
    }
  });

  it('email_verified and phone_number_verified are only ever claimed for proven contacts: an unproven email is neither offered nor accepted', async () => {
    const { browser, accountId } = await signedInCustomer(t, 'proof@example.com');
    const { db, clock } = t.app.deps;
    await insertIdentifier(db, clock, accountId, parsed(parseEmail('unproven@example.com')), { primary: false, verified: false });
    await insertIdentifier(db, clock, accountId, parsed(parsePhone('+1 415 555 0134', 'US')), { primary: false, verified: true });
    const unproven = await db.selectFrom('identifiers').select('id').where('normalized', '=', 'unproven@example.com').executeTakeFirstOrThrow();
    const started = await startSignin(partner, { scope: 'openid email phone', prompt: 'consent' });
    const page = await browser.follow(started.url.href, partner.redirectUri);
    expect(page.body).toContain('proof@example.com');
    expect(page.body).not.toContain('unproven@example.com');
    const refused = await browser.consent(page, { ...firstChoices(page.body), decision: 'allow', email: unproven.id }, partner.redirectUri);
    expect(refused.status).toBe(400);
    expect(refused.body).toMatch(/aria-describedby="email-error"/);
    const back = await browser.consent(refused, { ...firstChoices(page.body), decision: 'allow' }, partner.redirectUri);
    const claims = (await redeem(partner, { callback: new URL(back.location!), verifier: started.verifier, state: started.state })).claims()!;
    expect(claims).toMatchObject({ email: 'proof@example.com', email_verified: true, phone_number: '+14155550134', phone_number_verified: true });
  });

  it('claims are limited to what the customer consented to: the picked address; nothing asked through the claims parameter', async () => {
    const { browser, accountId } = await signedInCustomer(t, 'limits@example.com');
    const home = await addAddress(t.app.deps, accountId, { fullName: 'Ada Lovelace', line1: '1 Main St', line2: null, city: 'Springfield', region: 'IL', postalCode: '62701', country: 'US', phone: null });
    await addAddress(t.app.deps, accountId, { fullName: 'Ada Lovelace', line1: '9 Work Rd', line2: null, city: 'Chicago', region: 'IL', postalCode: '60601', country: 'US', phone: null });
    const signin = await signInWith(partner, browser, { scope: 'openid address' }, { address: home.id });
    const claims = (await redeem(partner, signin)).claims()!;
    expect(claims.address).toMatchObject({ street_address: '1 Main St', locality: 'Springfield', country: 'US' });
    expect(claims.name).toBeUndefined();
    expect(claims.email).toBeUndefined();
    // Asking for claims by name, not scope, gets nothing the customer did not allow.
    const sneaky = await signInWith(partner, browser, { scope: 'openid', claims: JSON.stringify({ id_token: { email: null, phone_number: null, name: null }, userinfo: { email: null } }) });
    const sneakyClaims = (await redeem(partner, sneaky)).claims()!;
    expect(Object.keys(sneakyClaims).filter((claim) => ['email', 'phone_number', 'name', 'address'].includes(claim))).toEqual([]);
  });

  it('consent is remembered per partner: the same or fewer scopes pass straight through; more scopes ask again', async () => {
    const { browser } = await signedInCustomer(t, 'remember@example.com');
    await signInWith(partner, browser, { scope: 'openid profile email' });
    for (const scope of ['openid profile email', 'openid email']) {
      const started = await startSignin(partner, { scope });
      const answer = await browser.follow(started.url.href, partner.redirectUri);
      expect(answer.location, scope).toMatch(/^http:\/\/127\.0\.0\.1:9\/callback\?code=/);
    }
    const more = await startSignin(partner, { scope: 'openid profile email address' });
    const asked = await browser.follow(more.url.href, partner.redirectUri);
    expect(asked.status).toBe(200);
    expect(asked.body).toContain('Sign in to Lamp Shop with your account?');
  });

  it("Don't allow: the partner hears access_denied and gets no code", async () => {
    const { browser, accountId } = await signedInCustomer(t, 'deny@example.com');
    const started = await startSignin(partner);
    const page = await browser.follow(started.url.href, partner.redirectUri);
    const back = await browser.consent(page, { decision: 'deny' }, partner.redirectUri);
    const url = new URL(back.location!);
    expect(url.searchParams.get('error')).toBe('access_denied');
    expect(url.searchParams.get('code')).toBeNull();
    const grants = await t.app.deps.db.selectFrom('partner_grants').select('id').where('account_id', '=', accountId).execute();
    expect(grants).toEqual([]);
  });
});
