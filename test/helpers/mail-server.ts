import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/**
 * A real SMTP server on 127.0.0.1 that the app's own transport delivers to. Every message is parsed the way a
 * mail client would (both parts, headers, addresses) and kept in memory for the test to read.
 */
export interface MailServer {
  url: string;
  received: ParsedMail[];
  /** The first message that matches, once it has arrived over SMTP; fails with what did arrive after `withinMs`. */
  waitForMail(what: string, match: (mail: ParsedMail) => boolean, withinMs?: number): Promise<ParsedMail>;
  close(): Promise<void>;
}

const POLL_MS = 50;

export async function startMailServer(): Promise<MailServer> {
  const received: ParsedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream).then(
        (mail) => {
          received.push(mail);
          callback();
        },
        (error: Error) => callback(error),
      );
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;

  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    async waitForMail(what, match, withinMs = 10_000) {
      // Delivery is real I/O (outbox → worker → SMTP → parser), so look again every few milliseconds, up to a limit.
      const deadline = Date.now() + withinMs;
      for (;;) {
        const found = received.find(match);
        if (found) return found;
        if (Date.now() > deadline) {
          const seen = received.map((mail) => `"${mail.subject ?? ''}" to ${recipients(mail).join(', ')}`);
          throw new Error(`No ${what} arrived within ${withinMs} ms. Received: ${seen.length ? seen.join('; ') : 'nothing'}`);
        }
        await delay(POLL_MS);
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Every address a message was sent to. */
export function recipients(mail: ParsedMail): string[] {
  const groups: AddressObject[] = mail.to === undefined ? [] : Array.isArray(mail.to) ? mail.to : [mail.to];
  return groups.flatMap((group) => group.value.map((address) => address.address ?? ''));
}

/** The one-time code, which the text part sets on a line of its own. */
export function codeIn(mail: ParsedMail): string {
  const code = /^\s{4}(\d{6})\s*$/m.exec(mail.text ?? '')?.[1];
  if (!code) throw new Error(`No 6-digit code in "${mail.subject ?? ''}"`);
  return code;
}

/** The first link in the text part that starts with `prefix`. */
export function linkIn(mail: ParsedMail, prefix: string): string {
  const link = (mail.text ?? '').split(/\s+/).find((word) => word.startsWith(prefix));
  if (!link) throw new Error(`No link to ${prefix} in "${mail.subject ?? ''}"`);
  return link;
}
