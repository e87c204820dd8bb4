import nodemailer from 'nodemailer';
import type { DkimConfig } from './dkim.js';

/** How the delivery worker hands an email to the outside world; tests and other providers plug in here. */
export interface EmailTransport {
  send(m: { to: string; subject: string; text: string; html?: string }): Promise<void>;
}

/**
 * SMTP through nodemailer. Timeouts are kept well under the worker's 60 s claim, so a slow server fails the
 * attempt instead of letting the claim lapse and a second worker send the same message again.
 */
export function createSmtpTransport(smtpUrl: string, from: string, dkim?: DkimConfig): EmailTransport & { close(): void } {
  const transporter = nodemailer.createTransport({
    url: smtpUrl,
    // Signed with the store's DKIM key when one is configured (notify/dkim.ts): receivers can then tell our mail from a forgery.
    ...(dkim ? { dkim: { domainName: dkim.domainName, keySelector: dkim.keySelector, privateKey: dkim.privateKey } } : {}),
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
    // Message fields never come from customers as paths or URLs; refuse them anyway so none can read files.
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  return {
    async send(m) {
      await transporter.sendMail({
        from,
        to: m.to,
        subject: m.subject,
        text: m.text,
        // Every email carries both parts: clients that block HTML still show the text, and spam filters
        // score text-only or HTML-only mail lower.
        html: m.html ?? textToHtml(m.text),
      });
    },
    close() {
      transporter.close();
    },
  };
}

/** A minimal HTML part for a message that has only text: escaped, paragraphs and line breaks kept. */
export function textToHtml(text: string): string {
  const paragraphs = text
    .split(/\n{2,}/)
    .map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`)
    .join('\n');
  return `<!doctype html><html><body>${paragraphs}</body></html>`;
}

function escapeHtml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}
