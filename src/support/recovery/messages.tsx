import type { OutgoingMessage } from '../../platform/outbox.js';
import { composeEmail } from '../../notify/messages.js';
import { button, greeting, text } from '../../notify/message-layout.js';

/**
 * What a supervised recovery sends: the warning with a cancel link to every old contact when the wait starts,
 * the set-a-password link to the new address when it ends, and the notice to every contact once it is done.
 */
export function recoveryWarningEmail(m: { to: string; name: string; storeName: string; publicUrl: string; accountId: string; cancelUrl: string; waitHours: number }): OutgoingMessage {
  return composeEmail(
    'supportRecoveryWarning',
    m.to,
    `Someone asked ${m.storeName} support to give them your account`,
    [
      greeting(m.name),
      text(`Someone told our support team they lost access to this email address and your phone, and asked to move your account to a new email address. A supervisor approved it, so in ${m.waitHours} hours the new address can set a password and your account will be theirs.`),
      text('Until then your account is locked: nobody can sign in or change it. If this was you, do nothing. If not, cancel it now — one click, no sign-in needed:'),
      button('Cancel this recovery', m.cancelUrl),
    ],
    m.publicUrl,
    m.accountId,
  );
}

export function recoveryWarningSms(m: { to: string; storeName: string; accountId: string; cancelUrl: string; waitHours: number }): OutgoingMessage {
  return {
    accountId: m.accountId,
    channel: 'sms',
    template: 'supportRecoveryWarningSms',
    recipient: m.to,
    subject: 'Account recovery',
    text: `${m.storeName}: support will move your account to a new email in ${m.waitHours}h. Not you? Cancel: ${m.cancelUrl}`,
  };
}

export function recoveryLinkEmail(m: { to: string; name: string; storeName: string; publicUrl: string; accountId: string; link: string }): OutgoingMessage {
  return composeEmail(
    'supportRecoveryLink',
    m.to,
    `Set a password for your ${m.storeName} account`,
    [
      greeting(m.name),
      text('The waiting period of your account recovery has passed. Open this link to set a new password: this address becomes your account’s email, and every other device, remembered device and second step is removed.'),
      button('Set a password', m.link),
      text('The link works once. If you did not ask our support team to recover an account, ignore this message.'),
    ],
    m.publicUrl,
    m.accountId,
  );
}

export function recoveryDoneEmail(m: { to: string; name: string; storeName: string; publicUrl: string; accountId: string; outcome: 'completed' | 'cancelled' }): OutgoingMessage {
  const completed = m.outcome === 'completed';
  return composeEmail(
    completed ? 'supportRecoveryCompleted' : 'supportRecoveryCancelled',
    m.to,
    completed ? `Your ${m.storeName} account was recovered by support` : `The recovery of your ${m.storeName} account was cancelled`,
    [
      greeting(m.name),
      text(
        completed
          ? 'Your account now has a new email address and password, set through our support team after the waiting period. Every session, remembered device and second step was removed. If this was not you, contact us at once.'
          : 'The account recovery our support team started was cancelled: nothing changed, and your account is as it was before.',
      ),
    ],
    m.publicUrl,
    m.accountId,
  );
}

export function recoveryDoneSms(m: { to: string; storeName: string; accountId: string; outcome: 'completed' | 'cancelled' }): OutgoingMessage {
  return {
    accountId: m.accountId,
    channel: 'sms',
    template: m.outcome === 'completed' ? 'supportRecoveryCompletedSms' : 'supportRecoveryCancelledSms',
    recipient: m.to,
    subject: 'Account recovery',
    text: m.outcome === 'completed' ? `${m.storeName}: your account was recovered through support with a new email and password. Not you? Contact us.` : `${m.storeName}: the recovery of your account was cancelled.`,
  };
}
