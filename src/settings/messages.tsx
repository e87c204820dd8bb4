import type { OutgoingMessage } from '../platform/outbox.js';
import { button, code, greeting, text } from '../notify/message-layout.js';
import { composeEmail, SECURITY_PATH } from '../notify/messages.js';

/** To the new, unproven address: no name, for the same reason as the sign-up email. */
export function emailChangeCodeEmail(m: { to: string; code: string; publicUrl: string; accountId?: string }): OutgoingMessage {
  return composeEmail('emailChangeCodeEmail', m.to, 'Confirm your new email address', [
    greeting(),
    text('You asked to use this email address for your Custos account. To confirm it, enter this code:'),
    code(m.code),
    text("The code expires in 24 hours. Don't share it with anyone."),
    text("If you didn't ask for this, you can ignore this email. This address will not be added to any account."),
  ], m.publicUrl, m.accountId);
}

export function emailInUseEmail(m: { to: string; publicUrl: string; accountId?: string }): OutgoingMessage {
  return composeEmail('emailInUseEmail', m.to, 'Your email address was entered on another account', [
    greeting(),
    text('Someone tried to add this email address to a different Custos account. This address already belongs to your account, so nothing was changed.'),
    text('If it was you, you can sign in with this address instead:'),
    button('Sign in', `${m.publicUrl}/signin`),
    text(`If this wasn't you, your account is safe and you don't need to do anything. You can review your security settings at any time: ${m.publicUrl}${SECURITY_PATH}`),
  ], m.publicUrl, m.accountId);
}

export function phoneCodeSms(m: { to: string; code: string; accountId?: string }): OutgoingMessage {
  return {
    accountId: m.accountId ?? null,
    channel: 'sms',
    template: 'phoneCodeSms',
    recipient: m.to,
    subject: 'Phone confirmation code',
    text: `Custos: ${m.code} is your code to confirm this phone number. It expires in 10 minutes. Don't share it with anyone.`,
  };
}
