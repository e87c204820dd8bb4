import type { OutgoingMessage } from '../platform/outbox.js';
import { button, code, facts, greeting, quoted, renderHtml, renderText, text, type Block } from './message-layout.js';
import { formatTime } from '../platform/format.js';

/**
 * What every message shares (the email frame, the paths messages link to) and the security notices. Each
 * capability keeps its own messages beside it (signup/messages.tsx, settings/messages.tsx, …), one function per
 * message. Templates receive only what they show: the internal account id goes to the outbox row's account_id
 * for bookkeeping and never into the content.
 */
export const PASSWORD_RESET_PATH = '/recovery/password';
export const SECURITY_PATH = '/account/security';

/** One email from its blocks, rendered to both parts. */
export function composeEmail(template: string, to: string, subject: string, blocks: Block[], publicUrl: string, accountId?: string): OutgoingMessage {
  const content = { subject, blocks, publicUrl };
  return {
    accountId: accountId ?? null,
    channel: 'email',
    template,
    recipient: to,
    subject,
    text: renderText(content),
    html: renderHtml(content),
  };
}

export type SecurityChange =
  | 'password_changed'
  | 'email_change_requested'
  | 'email_changed'
  | 'phone_added'
  | 'phone_changed'
  | 'phone_removed'
  | 'sessions_ended'
  | 'name_changed'
  | 'backup_code_used'
  | 'totp_added'
  | 'totp_removed'
  | 'sms_factor_added'
  | 'sms_factor_removed'
  | 'backup_codes_created'
  | 'passkey_added'
  | 'passkey_removed'
  | 'password_reset'
  | 'second_factors_reset'
  | 'account_secured'
  | 'card_added'
  | 'card_removed'
  | 'card_updated'
  | 'personal_phrase_set'
  | 'personal_phrase_removed';

/** The subject, and the first paragraph, which says what happened. `detail` is already masked by the caller (a new name is quoted). */
function describeChange(change: SecurityChange, detail?: string): { subject: string; lead: string } {
  const to = detail ? ` to ${detail}` : '';
  const number = detail ? ` (${detail})` : '';
  switch (change) {
    case 'password_changed':
      return { subject: 'Your password was changed', lead: 'The password for your Custos account was changed, and every other device was signed out.' };
    case 'email_change_requested':
      return {
        subject: 'A change of your email address was requested',
        lead: `Someone asked to change the email address on your Custos account${to}. The change takes effect only once the new address is confirmed.`,
      };
    case 'email_changed':
      return {
        subject: 'Your email address was changed',
        lead: `The email address on your Custos account was changed${to}. From now on, account emails go to the new address.`,
      };
    case 'phone_added':
      return { subject: 'A phone number was added to your account', lead: `A phone number${number} was added to your Custos account.` };
    case 'phone_changed':
      return { subject: 'Your phone number was changed', lead: `The phone number on your Custos account was changed${to}.` };
    case 'phone_removed':
      return { subject: 'A phone number was removed from your account', lead: `A phone number${number} was removed from your Custos account.` };
    case 'sessions_ended':
      return { subject: 'You were signed out on your other devices', lead: 'Your Custos account was signed out on all your other devices.' };
    case 'name_changed':
      return { subject: 'The name on your account was changed', lead: `The name on your Custos account was changed.${detail ? ` The name on the account is now ${quoted(detail)}.` : ''}` };
    case 'backup_code_used':
      return { subject: 'A backup code was used to sign in', lead: `A backup code was used to sign in to your Custos account${detail ? ` (${detail})` : ''}. Each code works once.` };
    case 'totp_added':
      return { subject: 'An authenticator app was added', lead: 'An authenticator app was added to your Custos account for two-step verification.' };
    case 'totp_removed':
      return { subject: 'An authenticator app was removed', lead: 'An authenticator app was removed from your Custos account.' };
    case 'sms_factor_added':
      return { subject: 'Text message codes were turned on', lead: 'Two-step verification codes by text message were turned on for your Custos account.' };
    case 'sms_factor_removed':
      return { subject: 'Text message codes were turned off', lead: 'Two-step verification codes by text message were turned off for your Custos account.' };
    case 'password_reset':
      return { subject: 'Your password was reset', lead: 'The password for your Custos account was reset, and every device was signed out.' };
    case 'second_factors_reset':
      return { subject: 'Two-step verification was turned off', lead: 'Someone signed in to your Custos account with your password and codes sent to your email and phone, and turned off two-step verification to set it up again.' };
    case 'account_secured':
      return { subject: 'We secured your account', lead: "You told us a recent activity wasn't you. We signed out every device, forgot remembered devices and switched off your password: choose a new one with \"Forgot your password?\" to sign in again." };
    case 'passkey_added':
      return { subject: 'A passkey was added', lead: 'A passkey was added to your Custos account. It can now be used to sign in.' };
    case 'passkey_removed':
      return { subject: 'A passkey was removed', lead: 'A passkey was removed from your Custos account. It can no longer be used to sign in.' };
    case 'backup_codes_created':
      return { subject: 'New backup codes were created', lead: 'A new set of backup codes was created for your Custos account. Any older codes no longer work.' };
    case 'card_added':
      return { subject: 'A card was added to your account', lead: `A payment card${number} was saved to your Custos account.` };
    case 'card_removed':
      return { subject: 'A card was removed from your account', lead: `A payment card${number} was removed from your Custos account.` };
    case 'card_updated':
      return { subject: 'A card on your account was updated', lead: `Your ${detail ?? 'payment card'} was updated with a new expiry date.` };
    case 'personal_phrase_set':
      return { subject: 'Your personal phrase was changed', lead: 'The personal phrase on your Custos account was set or changed. From now on, it is shown at the top of every email we send you, as at the top of this one.' };
    case 'personal_phrase_removed':
      return { subject: 'Your personal phrase was removed', lead: 'The personal phrase on your Custos account was removed. Our emails no longer show one.' };
  }
}

export function securityNoticeEmail(m: {
  to: string;
  name?: string;
  change: SecurityChange;
  at: number;
  device?: string;
  place?: string;
  detail?: string;
  publicUrl: string;
  accountId?: string;
  /** A single-use "This wasn't me" link that secures the account. */
  secureLink?: string;
}): OutgoingMessage {
  const { subject, lead } = describeChange(m.change, m.detail);
  return composeEmail('securityNoticeEmail', m.to, subject, [
    greeting(m.name),
    text(lead),
    facts([
      ['When', formatTime(m.at)],
      ['Device', m.device?.trim()],
      ['Place', m.place?.trim()],
    ]),
    ...(m.change === 'account_secured'
      ? [text('To use your account again, choose a new password:'), button('Reset password', `${m.publicUrl}${PASSWORD_RESET_PATH}`)]
      : [
          text("If this was you, you don't need to do anything."),
          text("If this wasn't you, change your password right away, then review your security settings, where you can see every device signed in to your account and sign them out."),
          button('Review security settings', `${m.publicUrl}${SECURITY_PATH}`),
        ]),
    ...(m.secureLink ? [text("Wasn't you? One click signs out every device and locks your password until you reset it:"), button("This wasn't me", m.secureLink)] : []),
    text(`If you can't sign in, reset your password: ${m.publicUrl}${PASSWORD_RESET_PATH}`),
  ], m.publicUrl, m.accountId);
}
