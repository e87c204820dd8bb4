import type { OutgoingMessage } from '../platform/outbox.js';
import { button, code, greeting, text } from '../notify/message-layout.js';
import { composeEmail } from '../notify/messages.js';

/** Messages of the recovery paths: reset codes, lost-factor codes and the "find your account" hint. */
export function passwordResetEmail(m: { to: string; name: string; code: string; link: string; publicUrl: string; accountId: string }): OutgoingMessage {
  return composeEmail('passwordResetEmail', m.to, 'Reset your password', [
    greeting(m.name),
    text('We received a request to reset the password for your Custos account. Enter this code on the reset page:'),
    code(m.code),
    text('Or choose a new password with this button:'),
    button('Reset password', m.link),
    text("The code and the link expire in 1 hour and work once. If you didn't ask for this, ignore this email: your password stays the same."),
  ], m.publicUrl, m.accountId);
}

export function passwordResetSms(m: { to: string; code: string; accountId: string }): OutgoingMessage {
  return {
    accountId: m.accountId, channel: 'sms', template: 'passwordResetSms', recipient: m.to, subject: 'Password reset code',
    text: `Custos: ${m.code} is your code to reset your password. It expires in 10 minutes. Don't share it with anyone.`,
  };
}

export function retryLinkEmail(m: { to: string; name: string; link: string; publicUrl: string; accountId: string }): OutgoingMessage {
  return composeEmail('retryLinkEmail', m.to, 'Try signing in again from your browser', [
    greeting(m.name),
    text('Sign-in to your Custos account is paused after many wrong attempts. You asked to try again from your browser: open this link in the same browser, then sign in with your password as usual.'),
    button('Let this browser try again', m.link),
    text("The link works once, only in the browser where you asked, and expires in 30 minutes. It doesn't sign you in by itself. If you didn't ask, someone may be guessing your password: you can ignore this email."),
  ], m.publicUrl, m.accountId);
}

export function lostFactorEmail(m: { to: string; name: string; code: string; publicUrl: string; accountId: string }): OutgoingMessage {
  return composeEmail('lostFactorEmail', m.to, 'Code to sign in without your second step', [
    greeting(m.name),
    text('Someone who knows your password asked to sign in without two-step verification, using codes sent to your email and your phone. This is the email code:'),
    code(m.code),
    text("It expires in 10 minutes. If this wasn't you, change your password now: someone knows it."),
  ], m.publicUrl, m.accountId);
}

export function lostFactorSms(m: { to: string; code: string; accountId: string }): OutgoingMessage {
  return {
    accountId: m.accountId, channel: 'sms', template: 'lostFactorSms', recipient: m.to, subject: 'Lost second factor code',
    text: `Custos: ${m.code} is your code to sign in without two-step verification. It expires in 10 minutes. Not you? Change your password.`,
  };
}

export function findAccountEmail(m: { to: string; others: string[]; publicUrl: string; accountId: string }): OutgoingMessage {
  return composeEmail('findAccountEmail', m.to, 'The details of your account', [
    greeting(),
    text('You asked which account this address belongs to. It belongs to an account that signs in with:'),
    ...m.others.map((other) => text(`• ${other}`)),
    text('For your privacy, we show them only in part.'),
    button('Sign in', `${m.publicUrl}/signin`),
    text("If you didn't ask for this, you can ignore this email."),
  ], m.publicUrl, m.accountId);
}

export function findAccountSms(m: { to: string; others: string[]; publicUrl: string; accountId: string }): OutgoingMessage {
  return {
    accountId: m.accountId, channel: 'sms', template: 'findAccountSms', recipient: m.to, subject: 'Your account',
    text: `Custos: this number belongs to an account that signs in with ${m.others.join(', ')}. Sign in at ${m.publicUrl}/signin`,
  };
}
