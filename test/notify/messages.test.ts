import { describe, expect, it } from 'vitest';
import type { OutgoingMessage } from '../../src/platform/outbox.js';
import { maskEmail, maskPhone } from '../../src/notify/mask.js';
import { formatTime } from '../../src/platform/format.js';
import { securityNoticeEmail, type SecurityChange } from '../../src/notify/messages.js';
import { signupConfirmationEmail, signupExistingAccountEmail } from '../../src/signup/messages.js';
import { emailChangeCodeEmail, emailInUseEmail, phoneCodeSms } from '../../src/settings/messages.js';

const publicUrl = 'https://shop.example';
const accountId = 'acct_Zq81internal';
const at = Date.UTC(2026, 10, 26, 14, 5, 30);
const changes: SecurityChange[] = [
  'password_changed',
  'email_change_requested',
  'email_changed',
  'phone_added',
  'phone_changed',
  'phone_removed',
  'sessions_ended',
  'name_changed',
];

function everyTemplate(name: string): OutgoingMessage[] {
  return [
    signupConfirmationEmail({ to: 'jane@example.com', code: '123456', link: `${publicUrl}/signup/confirm?t=x`, publicUrl, accountId }),
    signupExistingAccountEmail({ to: 'jane@example.com', publicUrl, accountId }),
    emailChangeCodeEmail({ to: 'jane@example.com', code: '123456', publicUrl, accountId }),
    emailInUseEmail({ to: 'jane@example.com', publicUrl, accountId }),
    phoneCodeSms({ to: '+15555550123', code: '123456', accountId }),
    ...changes.map((change) =>
      securityNoticeEmail({ to: 'jane@example.com', name, change, at, device: 'Firefox on Windows', place: 'Berlin, Germany', detail: 'n•••@e•••.com', publicUrl, accountId }),
    ),
  ];
}

describe('message templates', () => {
  it('escapes a hostile name in HTML', () => {
    for (const message of everyTemplate('<script>alert(1)</script>')) {
      if (!message.html) continue;
      expect(message.html).not.toContain('<script');
      // Messages to an address nobody has proven yet greet no one by name.
      if (!['signupExistingAccountEmail', 'emailInUseEmail', 'signupConfirmationEmail', 'emailChangeCodeEmail'].includes(message.template)) {
        expect(message.html).toContain('Hello &lt;script>alert(1)&lt;/script>,');
      }
    }
  });

  it('never puts the account id in the content, only in the bookkeeping field', () => {
    for (const message of everyTemplate('Jane')) {
      expect(message.accountId).toBe(accountId);
      expect(`${message.subject}\n${message.text}\n${message.html ?? ''}`).not.toContain(accountId);
    }
  });

  it('gives every email a text body and an HTML body, and names the template', () => {
    for (const message of everyTemplate('Jane')) {
      expect(message.template).toMatch(/^[a-zA-Z]+$/);
      expect(message.text.length).toBeGreaterThan(20);
      if (message.channel === 'email') {
        expect(message.html).toMatch(/^<!doctype html>/);
        expect(message.text).toContain('Custos');
      }
    }
  });

  it('shows the signup code, the link as a button, the expiry and what to do if it was not them', () => {
    const m = signupConfirmationEmail({ to: 'jane@example.com', code: '482913', link: `${publicUrl}/signup/confirm?t=a&b=c`, publicUrl });
    expect(m).toMatchObject({ channel: 'email', template: 'signupConfirmationEmail', recipient: 'jane@example.com', subject: 'Confirm your email address' });
    expect(m.text).toContain('482913');
    expect(m.text).toContain(`${publicUrl}/signup/confirm?t=a&b=c`);
    expect(m.text).toContain('24 hours');
    expect(m.text).toContain("If you didn't try to create an account");
    expect(m.html).toContain('href="https://shop.example/signup/confirm?t=a&amp;b=c"');
  });

  it('writes the SMS code message short and exact', () => {
    expect(phoneCodeSms({ to: '+15555550123', code: '654321' })).toEqual({
      accountId: null,
      channel: 'sms',
      template: 'phoneCodeSms',
      recipient: '+15555550123',
      subject: 'Phone confirmation code',
      text: "Custos: 654321 is your code to confirm this phone number. It expires in 10 minutes. Don't share it with anyone.",
    });
  });

  it('says in a security notice what happened, when, where, and what to do if it was not them', () => {
    const m = securityNoticeEmail({ to: 'jane@example.com', name: 'Jane', change: 'password_changed', at, device: 'Safari on iPhone', place: 'Lyon, France', publicUrl });
    expect(m.subject).toBe('Your password was changed');
    expect(m.text).toContain('The password for your Custos account was changed, and every other device was signed out.');
    expect(m.text).toContain('26 November 2026, 14:05 UTC');
    expect(m.text).toContain('Safari on iPhone');
    expect(m.text).toContain('Lyon, France');
    expect(m.text).toContain(`${publicUrl}/account/security`);
    expect(m.text).toContain('change your password');
  });

  it('leaves out the device and place when they are unknown, and shows a masked new address as given', () => {
    const m = securityNoticeEmail({ to: 'old@example.com', change: 'email_changed', at, detail: 'n•••@e•••.com', publicUrl });
    expect(m.subject).toBe('Your email address was changed');
    expect(m.text).toContain('changed to n•••@e•••.com');
    expect(m.text).not.toContain('Device:');
    expect(m.text).not.toContain('Place:');
  });

  it('gives every change its own subject', () => {
    const subjects = changes.map((change) => securityNoticeEmail({ to: 'a@example.com', change, at, publicUrl }).subject);
    expect(new Set(subjects).size).toBe(changes.length);
  });
});

describe('formatting helpers', () => {
  it('formats times in UTC without locale', () => {
    expect(formatTime(at)).toBe('26 November 2026, 14:05 UTC');
    expect(formatTime(Date.UTC(2027, 0, 3, 9, 7))).toBe('3 January 2027, 09:07 UTC');
  });

  it('masks contacts', () => {
    expect(maskEmail('jane@example.com')).toBe('j•••@e•••.com');
    expect(maskEmail('not-an-email')).toBe('•••');
    expect(maskPhone('+15555550167')).toBe('+1 •••• ••67');
    expect(maskPhone('+447911123456')).toBe('+44 •••• ••56');
  });
});
