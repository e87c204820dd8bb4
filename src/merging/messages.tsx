import type { OutgoingMessage } from '../platform/outbox.js';
import { code, greeting, text } from '../notify/message-layout.js';
import { composeEmail } from '../notify/messages.js';

/**
 * Messages of merging: the codes that prove the other account, and the notices every verified contact of both
 * accounts receives (security mail: no marketing, and each names what happened and what to do if it wasn't you).
 */
export function mergeCodeEmail(m: { to: string; name: string; code: string; publicUrl: string; accountId: string }): OutgoingMessage {
  return composeEmail('mergeCodeEmail', m.to, 'Code to merge this account into another', [
    greeting(m.name),
    text('Someone signed in to another Custos account asked to merge this account into theirs: its orders, addresses, cards and this address would move there, and this account would close. Enter this code only if that is you:'),
    code(m.code),
    text("It expires in 10 minutes. If this wasn't you, don't share the code, and change this account's password: someone who asked may know it."),
  ], m.publicUrl, m.accountId);
}

export function mergeCodeSms(m: { to: string; code: string; accountId: string }): OutgoingMessage {
  return {
    accountId: m.accountId, channel: 'sms', template: 'mergeCodeSms', recipient: m.to, subject: 'Account merge code',
    text: `Custos: ${m.code} is your code to merge this account into another. It expires in 10 minutes. Not you? Don't share it.`,
  };
}

export type MergeNotice = 'merged_in' | 'merged_out' | 'alias_removed' | 'merge_undone';

const NOTICES: Record<MergeNotice, (other: string) => { subject: string; lead: string; sms: string }> = {
  merged_in: (other) => ({
    subject: 'Another account was merged into yours',
    lead: `The account ${other} was merged into your Custos account: its orders, addresses, cards and login activity are now here, and its email address and phone number sign you in too (Login & Security lists them).`,
    sms: `Custos: the account ${other} was merged into yours.`,
  }),
  merged_out: (other) => ({
    subject: 'Your account was merged into another and closed',
    lead: `Your Custos account was merged into the account ${other} and closed. Its orders, addresses and cards are there now; this address signs in to that account.`,
    sms: `Custos: your account was merged into ${other} and closed.`,
  }),
  alias_removed: (other) => ({
    subject: 'A sign-in address was removed from your account',
    lead: `${other}, which came to your account with a merge, no longer signs you in. Nobody else can use it for a while.`,
    sms: `Custos: ${other} no longer signs in to your account.`,
  }),
  merge_undone: (other) => ({
    subject: 'A merge of your accounts was undone',
    lead: `Customer service undid the merge of the account ${other}: each account has its own orders, addresses, cards and sign-in details again.`,
    sms: `Custos: customer service undid a merge with ${other}.`,
  }),
};

export function mergeNoticeEmail(m: { to: string; name: string; notice: MergeNotice; other: string; publicUrl: string; accountId: string }): OutgoingMessage {
  const { subject, lead } = NOTICES[m.notice](m.other);
  return composeEmail(`merge_${m.notice}`, m.to, subject, [
    greeting(m.name),
    text(lead),
    text("If this wasn't you, contact customer service: within 30 days of a merge they can undo it."),
  ], m.publicUrl, m.accountId);
}

export function mergeNoticeSms(m: { to: string; notice: MergeNotice; other: string; accountId: string }): OutgoingMessage {
  return { accountId: m.accountId, channel: 'sms', template: `merge_${m.notice}_sms`, recipient: m.to, subject: NOTICES[m.notice](m.other).subject, text: `${NOTICES[m.notice](m.other).sms} Not you? Contact customer service.` };
}
