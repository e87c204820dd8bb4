import { listActivity, type ActivityEntry, type ActivityPage } from './activity.js';
import { BrokenPageLink, KeysetPager } from '../platform/web/pager.js';
import { formatTime, iso } from '../platform/format.js';
import { AppError, errors } from '../platform/errors.js';
import { BackLink } from '../platform/web/page-parts.js';
import type { PageRoutes } from '../platform/web/page-routes.js';
import { signedIn } from '../sessions/guards.js';

/**
 * Login activity: every sign-in attempt and security change on the account, newest first, 25 to a page. Pages
 * follow a keyset cursor (`?before=`), never an offset, so a page stays the same while new events arrive and
 * page 40 costs what page 1 does. The sign-in that made the current session is marked, so a customer can tell
 * their own visit from someone else's.
 */
export const ACTIVITY_PER_PAGE = 25;

const OUTCOMES: Record<ActivityEntry['outcome'], string> = {
  success: 'Succeeded',
  failure: 'Failed',
  blocked: 'Blocked',
  info: 'Info',
};

const METHODS: Record<string, string> = {
  password: 'Password',
  step_up: 'Password confirmation',
  signup: 'New account',
  'password+totp': 'Password and authenticator app',
  'password+sms': 'Password and text message code',
  'password+backup_code': 'Password and backup code',
  'password+remembered_device': 'Password on a remembered device',
  'sms+remembered_device': 'Text message code on a remembered device',
  'passkey+remembered_device': 'Passkey on a remembered device',
  totp: 'Authenticator app',
  sms: 'Text message code',
  backup_code: 'Backup code',
  passkey: 'Passkey',
  'password+passkey': 'Password and passkey',
  'sms+totp': 'Text message code and authenticator app',
  'sms+passkey': 'Text message code and passkey',
  'sms+backup_code': 'Text message code and backup code',
  'passkey+totp': 'Passkey and authenticator app',
  'passkey+sms': 'Passkey and text message code',
  'passkey+backup_code': 'Passkey and backup code',
  'password+email_code+sms_code': 'Password, email code and text message code',
  lost_factor: 'Email and text message codes',
};

export function registerActivityPage(routes: PageRoutes): void {
  routes.get('/account/activity', signedIn, async (page) => {
    const before = (page.request.query as Record<string, unknown> | undefined)?.before;
    const options = { title: 'Login activity', wide: true };
    let activity: ActivityPage;
    try {
      // A repeated or non-text `before` is as broken as a garbled one; the domain judges the rest.
      if (before !== undefined && typeof before !== 'string') throw errors.invalidInput({ before: 'This page link is not valid.' });
      activity = await listActivity(page.deps, page.session.accountId, { before: before || undefined, limit: ACTIVITY_PER_PAGE });
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== 'request.invalid') throw error;
      return page.render(options, <BrokenPageLink path="/account/activity" noun="activity" />, 400);
    }
    const firstPage = !before;
    return page.render(
      options,
      <>
        <BackLink href="/account/security">Login &amp; Security</BackLink>
        <h1 class="page-title">Login activity</h1>
        <p class="lead">Every sign-in attempt and security change on your account. If something here wasn't you, choose “This wasn't me” to lock your account down.</p>
        <section class="card activity-card">
          {activity.entries.length > 0 ? (
            <ActivityTable entries={activity.entries} currentSession={page.session.sessionId} firstPage={firstPage} />
          ) : (
            <p class="muted">{firstPage ? 'There is no activity to show yet.' : 'There is no older activity.'}</p>
          )}
          <KeysetPager path="/account/activity" noun="activity" label="Activity pages" next={activity.next} firstPage={firstPage} />
        </section>
      </>,
    );
  });
}

function ActivityTable(props: { entries: ActivityEntry[]; currentSession: string; firstPage: boolean }) {
  return (
    // Focusable so a keyboard can scroll the table sideways on a narrow screen; named by its caption.
    <div class="table-scroll" role="region" aria-labelledby="activity-caption" tabindex={0}>
      <table class="activity">
        <caption id="activity-caption">
          {props.firstPage ? 'Your most recent activity, newest first' : 'Older activity, newest first'}
        </caption>
        <thead>
          <tr>
            <th scope="col">Date and time</th>
            <th scope="col">What happened</th>
            <th scope="col">Outcome</th>
            <th scope="col">Method</th>
            <th scope="col">Place</th>
            <th scope="col">Device</th>
            <th scope="col">IP address</th>
          </tr>
        </thead>
        <tbody>
          {props.entries.map((entry) => (
            <ActivityRow entry={entry} current={entry.sessionId !== null && entry.sessionId === props.currentSession} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ActivityRow({ entry, current }: { entry: ActivityEntry; current: boolean }) {
  return (
    <tr class={current ? 'current' : undefined}>
      <td data-label="Date and time">
        <time datetime={iso(entry.at)}>{formatTime(entry.at)}</time>
      </td>
      <th scope="row" data-label="What happened">
        {entry.description}
        {entry.fromMerged ? <span class="muted"> (from {entry.fromMerged})</span> : null}
        {current ? <span class="badge current">This session</span> : null}
        {/* Beside what happened, where it is seen at any width; it leads to an explanation (secure-account-pages.tsx), not an action. */}
        <a class="not-me" href="/account/secure">
          This wasn't me<span class="visually-hidden">: {entry.description}, {formatTime(entry.at)}</span>
        </a>
      </th>
      <td data-label="Outcome">
        <span class={`outcome outcome-${entry.outcome}`}>{OUTCOMES[entry.outcome]}</span>
      </td>
      <td data-label="Method">{entry.method ? (METHODS[entry.method] ?? entry.method) : <NotRecorded />}</td>
      <td data-label="Place">{entry.place ?? <NotRecorded />}</td>
      <td data-label="Device">{entry.device ?? <NotRecorded />}</td>
      <td data-label="IP address" class="identifier">
        {entry.ip ?? <NotRecorded />}
      </td>
    </tr>
  );
}

function NotRecorded() {
  return (
    <>
      <span aria-hidden="true">—</span>
      <span class="visually-hidden">Not recorded</span>
    </>
  );
}
