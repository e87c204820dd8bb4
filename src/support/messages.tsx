import type { OutgoingMessage } from '../platform/outbox.js';
import { composeEmail, SECURITY_PATH } from '../notify/messages.js';
import { button, code, greeting, text } from '../notify/message-layout.js';

/**
 * What the support console sends: the code a caller reads back to the agent, and the notices that tell the
 * customer what support did. The code message says who asks for it and what never to read out, so someone
 * phoning the customer pretending to be us is easier to spot.
 */
export function callerCodeEmail(m: { to: string; name: string; code: string; storeName: string; publicUrl: string; accountId: string }): OutgoingMessage {
  return composeEmail(
    'supportCallerCode',
    m.to,
    `Your ${m.storeName} support code`,
    [
      greeting(m.name),
      text(`You are on a call with ${m.storeName} support, and they asked to check it is you. Read this code to them:`),
      code(m.code),
      text('It expires in 10 minutes. Only read it out on a call you made to us, or one you expected. We will never ask for your password or a sign-in code.'),
      text('Not on a call with us? Ignore this message — nobody can see your account with it unless you read it out.'),
    ],
    m.publicUrl,
    m.accountId,
  );
}

export function callerCodeSms(m: { to: string; code: string; storeName: string; accountId: string }): OutgoingMessage {
  return {
    accountId: m.accountId,
    channel: 'sms',
    template: 'supportCallerCodeSms',
    recipient: m.to,
    subject: 'Support code',
    text: `${m.storeName}: ${m.code} is your support code. Read it only to ${m.storeName} support on a call you expected. We never ask for your password.`,
  };
}

export type SupportNotice = 'failed_check' | 'sessions_ended' | 'account_locked' | 'account_unlocked' | 'contact_lost';

const NOTICES: Record<SupportNotice, { subject: string; body: string }> = {
  failed_check: {
    subject: 'Someone could not prove to support that they were you',
    body: 'Someone on a call with our support team read out a wrong code when we checked it was you. If that was you, no harm done. If not, someone may be trying to get into your account by calling us: nothing was shown to them.',
  },
  sessions_ended: {
    subject: 'Support signed you out everywhere',
    body: 'A member of our support team ended all your sessions, so every device is signed out. Sign in again to continue.',
  },
  account_locked: {
    subject: 'Support locked your account',
    body: 'A member of our support team locked your account: nobody can sign in until it is unlocked. Contact us if you did not ask for this.',
  },
  account_unlocked: {
    subject: 'Support unlocked your account',
    body: 'A member of our support team unlocked your account: you can sign in again.',
  },
  contact_lost: {
    subject: 'Support removed a contact you lost',
    body: 'A member of our support team removed an email address or phone number you told them you lost: it can no longer sign in or receive codes. Contact us if you did not ask for this.',
  },
};

/** When the lost contact was the only email address, the customer is told by text at the phone that remains. */
export function contactLostSms(m: { to: string; storeName: string; ticket: string; accountId: string }): OutgoingMessage {
  return {
    accountId: m.accountId,
    channel: 'sms',
    template: 'supportContactLostSms',
    recipient: m.to,
    subject: 'Contact removed',
    text: `${m.storeName}: support removed a contact you lost from your account (ref ${m.ticket}). Not you? Call us.`,
  };
}

export function supportNoticeEmail(m: { to: string; name: string; notice: SupportNotice; storeName: string; ticket: string; publicUrl: string; accountId: string }): OutgoingMessage {
  const notice = NOTICES[m.notice];
  return composeEmail(
    `support_${m.notice}`,
    m.to,
    notice.subject,
    [
      greeting(m.name),
      text(notice.body),
      text(`${m.storeName} support reference: ${m.ticket}.`),
      button('Review your login activity', `${m.publicUrl}${SECURITY_PATH}`),
    ],
    m.publicUrl,
    m.accountId,
  );
}
