import { newId } from '../../src/platform/crypto.js';
import type { TestApp } from '../helpers/app.js';
import { insertOrder } from '../helpers/order-fixtures.js';

/**
 * One customer with something in every kind of data Custos keeps, written straight to the tables (each kind has
 * its own feature tests): an address, a saved card, an order shipped to them, a case in their own words, an
 * authenticator and backup codes, a partner site allowed, a remembered device. The secrets are recognisable
 * strings, so a test can say they appear nowhere they must not.
 */
export const SECRETS = {
  gatewayToken: 'tok_gateway_SECRET_4f9a1c',
  cardFingerprint: 'fp_SECRET_77aa',
  totpSealed: 'v2.k1.TOTP_SECRET_SEALED.body.tag',
  backupCodeHash: 'backup_code_hash_SECRET',
  rememberHash: 'remember_token_hash_SECRET',
};

export interface Everything {
  orderNumber: string;
  partnerName: string;
}

export async function giveEverything(t: TestApp, accountId: string, person: { name: string; phone: string }): Promise<Everything> {
  const db = t.app.deps.db;
  const now = t.clock.now();
  await db
    .insertInto('addresses')
    .values({ id: newId(), account_id: accountId, full_name: person.name, line1: '12 Quiet Lane', line2: null, city: 'Bristol', region: null, postal_code: 'BS1 4DJ', country: 'GB', phone: person.phone, is_default_shipping: 1, is_default_billing: 1, created_at: now, updated_at: now })
    .execute();
  await db
    .insertInto('cards')
    .values({
      id: newId(), account_id: accountId, gateway: 'sandbox', gateway_token: SECRETS.gatewayToken, brand: 'visa', last4: '4242', exp_month: 12, exp_year: 2030,
      fingerprint: SECRETS.cardFingerprint, billing_address: JSON.stringify({ full_name: person.name, line1: '12 Quiet Lane', country: 'GB' }), is_default: 1, expiry_reminder_sent_at: null, created_at: now,
    })
    .execute();
  const order = await insertOrder(t, accountId, { placedAt: now - 1000, shipTo: { full_name: person.name, line1: '12 Quiet Lane', city: 'Bristol', postal_code: 'BS1 4DJ', country: 'GB', region: null, phone: person.phone } });
  await db
    .insertInto('order_cases')
    .values({
      id: newId(), order_id: order.id, account_id: accountId, kind: 'dispute', item_id: null, quantity: null, reason: 'not_received',
      details: `Hello, this is ${person.name}. Nothing arrived; call me on ${person.phone}.`, status: 'open', resolution: null, refund_amount: null, created_at: now, updated_at: now, resolved_at: null, opened_by_staff: null,
    })
    .execute();
  await db
    .insertInto('factors')
    .values({ id: newId(), account_id: accountId, kind: 'totp', label: 'Authenticator app', secret_sealed: SECRETS.totpSealed, last_used_step: null, credential_id: null, public_key: null, sign_count: null, transports: null, user_verified: null, confirmed_at: now, created_at: now, last_used_at: null })
    .execute();
  await db.insertInto('backup_codes').values({ id: newId(), account_id: accountId, code_hash: SECRETS.backupCodeHash, key_id: null, used_at: null, created_at: now }).execute();
  await db.insertInto('remembered_devices').values({ id: newId(), account_id: accountId, token_hash: SECRETS.rememberHash, device: 'Firefox on Linux', place: 'Bristol, GB', created_at: now, expires_at: now + 86_400_000, revoked_at: null }).execute();
  const partnerId = newId();
  const partnerName = 'Corner Bookshop';
  await db.insertInto('partners').values({ id: partnerId, name: partnerName, secret_hash: 'partner_secret_hash', redirect_uris: '[]', backchannel_logout_uri: null, created_at: now, last_used_at: null, revoked_at: null }).execute();
  await db.insertInto('partner_subjects').values({ partner_id: partnerId, account_id: accountId, subject: 'pairwise-sub-1', created_at: now }).execute();
  await db.insertInto('partner_grants').values({ id: newId(), account_id: accountId, partner_id: partnerId, signin_claims: JSON.stringify(['email', 'name']), oidc_grant_id: null, pays: 0, created_at: now, last_used_at: null, revoked_at: null }).execute();
  return { orderNumber: order.number, partnerName };
}
