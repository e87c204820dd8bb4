import type { OutgoingMessage } from '../platform/outbox.js';
import { button, facts, greeting, text } from './message-layout.js';
import { formatTime } from '../platform/format.js';
import { composeEmail, SECURITY_PATH, type SecurityChange } from './messages.js';

/**
 * Security alerts (ASVS 6.3.5, 6.3.7): a sign-in from a device the account has not seen, repeated failed
 * sign-ins, and the short text that goes to a verified phone when sign-in details change. Each says what
 * happened, when, from where, and what to do if it wasn't the customer.
 */
const ACTIVITY_PATH = '/account/activity';

export function newDeviceSigninEmail(m: { to: string; name: string; at: number; device: string; place: string; publicUrl: string; accountId: string; secureLink?: string }): OutgoingMessage {
  return composeEmail('newDeviceSigninEmail', m.to, 'New sign-in to your account', [
    greeting(m.name),
    text('Your Custos account was just signed in to from a device we have not seen before.'),
    facts([
      ['When', formatTime(m.at)],
      ['Device', m.device],
      ['Place', m.place],
    ]),
    text("If this was you, you don't need to do anything."),
    text("If this wasn't you, change your password now and sign out the devices you don't recognise. Your login activity shows every attempt."),
    button('Review login activity', `${m.publicUrl}${ACTIVITY_PATH}`),
    ...wasntMe(m.secureLink),
  ], m.publicUrl, m.accountId);
}

export function failedSigninsEmail(m: { to: string; name: string; at: number; failures: number; place: string; publicUrl: string; accountId: string; secureLink?: string }): OutgoingMessage {
  return composeEmail('failedSigninsEmail', m.to, 'Several failed attempts to sign in to your account', [
    greeting(m.name),
    text(`Someone has tried to sign in to your Custos account with a wrong password ${m.failures} times in a row. For your protection, further attempts are being slowed down.`),
    facts([
      ['Latest attempt', formatTime(m.at)],
      ['Place', m.place],
    ]),
    text("If this was you, you can reset your password from the sign-in page. If it wasn't, your password has not been entered correctly; choose a long, unique one if you reuse it anywhere else."),
    button('Review login activity', `${m.publicUrl}${ACTIVITY_PATH}`),
    ...wasntMe(m.secureLink),
  ], m.publicUrl, m.accountId);
}

function wasntMe(link: string | undefined) {
  return link ? [text("Wasn't you? One click signs out every device and locks your password until you reset it:"), button("This wasn't me", link)] : [];
}

const SMS_CHANGE: Record<SecurityChange, string> = {
  password_changed: 'your password was changed',
  email_change_requested: 'a change of your email address was requested',
  email_changed: 'your email address was changed',
  phone_added: 'this phone number was added to your account',
  phone_changed: 'your phone number was changed',
  phone_removed: 'a phone number was removed from your account',
  sessions_ended: 'you were signed out on your other devices',
  name_changed: 'the name on your account was changed',
  backup_code_used: 'a backup code was used to sign in',
  totp_added: 'an authenticator app was added',
  totp_removed: 'an authenticator app was removed',
  sms_factor_added: 'text message sign-in codes were turned on',
  sms_factor_removed: 'text message sign-in codes were turned off',
  backup_codes_created: 'new backup codes were created',
  passkey_added: 'a passkey was added to your account',
  passkey_removed: 'a passkey was removed from your account',
  password_reset: 'your password was reset',
  second_factors_reset: 'two-step verification was turned off for set-up again',
  account_secured: 'your account was secured and signed out everywhere',
  card_added: 'a payment card was saved to your account',
  card_removed: 'a payment card was removed from your account',
  card_updated: 'a payment card on your account was updated with a new expiry date',
  personal_phrase_set: 'the personal phrase on your account was changed',
  personal_phrase_removed: 'the personal phrase on your account was removed',
};

export function securityNoticeSms(m: { to: string; change: SecurityChange; publicUrl: string; accountId: string }): OutgoingMessage {
  return {
    accountId: m.accountId,
    channel: 'sms',
    template: 'securityNoticeSms',
    recipient: m.to,
    // What changed, as the record and a combined notice show it (notify/notice-digest.ts); it holds no secret.
    subject: capitalise(SMS_CHANGE[m.change]),
    text: `Custos: ${SMS_CHANGE[m.change]}. Not you? Review your account at ${m.publicUrl}${SECURITY_PATH}`,
  };
}

function capitalise(phrase: string): string {
  return phrase.charAt(0).toUpperCase() + phrase.slice(1);
}
