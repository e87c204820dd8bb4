import type { OutgoingMessage } from '../platform/outbox.js';
import { composeEmail } from '../notify/messages.js';
import { button, facts, greeting, text } from '../notify/message-layout.js';
import { formatTime } from '../platform/format.js';

/** What closing and reopening an account tell the customer, at every verified address and phone. */
export function accountClosedEmail(m: { to: string; name: string; at: number; eraseAfter: number; publicUrl: string; accountId: string }): OutgoingMessage {
  return composeEmail(
    'accountClosed',
    m.to,
    'Your account is closed',
    [
      greeting(m.name),
      text('Your Custos account was closed, and every device was signed out. Partner sites you allowed can no longer sign you in or charge you.'),
      facts([
        ['Closed', formatTime(m.at)],
        ['Can be reopened until', formatTime(m.eraseAfter)],
      ]),
      text('Changed your mind? Sign in with your password before that date and you can reopen it. After it, your personal data is erased; orders the store must keep for its accounts are kept without your name.'),
      text('If you did not close your account, sign in now and reopen it, then change your password.'),
      button('Sign in', `${m.publicUrl}/signin`),
    ],
    m.publicUrl,
    m.accountId,
  );
}

export function accountClosedSms(m: { to: string; publicUrl: string; accountId: string }): OutgoingMessage {
  return {
    accountId: m.accountId,
    channel: 'sms',
    template: 'accountClosedSms',
    recipient: m.to,
    subject: 'Your account was closed',
    text: `Custos: your account was closed. Not you? Sign in at ${m.publicUrl}/signin to reopen it.`,
  };
}

export function accountReopenedEmail(m: { to: string; name: string; at: number; publicUrl: string; accountId: string }): OutgoingMessage {
  return composeEmail(
    'accountReopened',
    m.to,
    'Your account is open again',
    [
      greeting(m.name),
      text('Your Custos account was reopened after a sign-in with its password. It will not be erased.'),
      facts([['Reopened', formatTime(m.at)]]),
      text('If this was not you, secure your account: change your password and check your sessions.'),
      button('Review your security', `${m.publicUrl}/account/security`),
    ],
    m.publicUrl,
    m.accountId,
  );
}

export function accountReopenedSms(m: { to: string; publicUrl: string; accountId: string }): OutgoingMessage {
  return {
    accountId: m.accountId,
    channel: 'sms',
    template: 'accountReopenedSms',
    recipient: m.to,
    subject: 'Your account was reopened',
    text: `Custos: your closed account was reopened. Not you? Review it at ${m.publicUrl}/account/security`,
  };
}
