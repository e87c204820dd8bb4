import type { Kysely } from 'kysely';
import type { Deps, RequestInfo } from '../platform/context.js';
import type { Database } from '../platform/db/schema.js';
import { enqueueMessage } from '../notify/enqueue.js';
import { securityNoticeEmail } from '../notify/messages.js';
import { securityNoticeSms } from '../notify/alerts.js';
import { describeDevice } from '../activity/device.js';
import { describePlace } from '../activity/place.js';
import { listIdentifiers } from './store.js';
import { issueSecureLink } from '../recovery/secure-link.js';

export type SecurityChange = Parameters<typeof securityNoticeEmail>[0]['change'];

/** Never refused by a budget: an attacker must not be able to silence the owner's alerts (a flood is combined). */
const NOTICE = { kind: 'notice' } as const;

/**
 * Tells the customer about a change to their sign-in details, at every verified email address and phone, and
 * at any extra address given (the old one, after an email change; ASVS 6.3.7). Written to the outbox inside the
 * caller's transaction.
 */
export async function sendSecurityNotice(
  deps: Deps,
  db: Kysely<Database>,
  input: { accountId: string; name: string; change: SecurityChange; info: RequestInfo; detail?: string; alsoTo?: string[] },
): Promise<void> {
  const identifiers = await listIdentifiers(db, input.accountId);
  const recipients = new Set(identifiers.filter((i) => i.kind === 'email' && i.verified).map((i) => i.value));
  for (const extra of input.alsoTo ?? []) recipients.add(extra);
  const phone = identifiers.find((i) => i.kind === 'phone' && i.verified);
  if (phone) {
    await enqueueMessage(db, deps, securityNoticeSms({ to: phone.normalized, change: input.change, publicUrl: deps.config.publicUrl, accountId: input.accountId }), NOTICE);
  }
  for (const to of recipients) {
    const secureLink = input.change === 'account_secured' ? undefined : await issueSecureLink(deps, db, input.accountId, to);
    await enqueueMessage(
      db,
      deps,
      securityNoticeEmail({
        to,
        name: input.name,
        change: input.change,
        at: deps.clock.now(),
        device: describeDevice(input.info.userAgent),
        place: describePlace(input.info.ip),
        publicUrl: deps.config.publicUrl,
        accountId: input.accountId,
        detail: input.detail,
        secureLink,
      }),
      NOTICE,
    );
  }
}
