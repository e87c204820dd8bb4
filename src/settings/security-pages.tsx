import type { ComponentChildren } from 'preact';
import { getProfile, type Profile } from '../accounts/profile.js';
import { formatTime } from '../platform/format.js';
import { errors } from '../platform/errors.js';
import { clearSessionCookie } from '../platform/http/session-cookie.js';
import { endAllOtherSessions, endOneSession, signOut } from '../sessions/ending.js';
import { listSessions, type SessionListing } from '../sessions/store.js';
import { listConfirmedFactors } from '../methods/store.js';
import { BackLink, PostForm } from '../platform/web/page-parts.js';
import type { PageRoutes } from '../platform/web/page-routes.js';
import { twoStepSummary } from '../methods/two-step-parts.js';
import { signedIn, signedInOrNot } from '../sessions/guards.js';
import { listShownAliases } from '../merging/aliases.js';
import { AliasesSection } from '../merging/aliases-section.js';

/**
 * Login & Security: the sign-in details with a way to change each, and every session with a way to end it
 * (ASVS 7.5.2). Notices come from a fixed list keyed by the query, so the URL can never put words on the page.
 */
const NOTICES: Record<string, string> = {
  name: 'Your name was changed.',
  email: 'Your email address was changed.',
  phone: 'Your mobile phone number was confirmed.',
  'phone-removed': 'Your mobile phone number was removed.',
  password: 'Your password was changed, and every other device was signed out.',
  'session-ended': 'That device was signed out.',
  'others-ended': 'You were signed out everywhere else.',
  'alias-removed': 'That address no longer signs you in.',
};

export function registerSecurityPages(routes: PageRoutes): void {
  routes.get('/account/security', signedIn, async (page) => {
    const [profile, sessions, factors, aliases] = await Promise.all([
      getProfile(page.deps, page.session.accountId),
      listSessions(page.deps, page.session.accountId),
      listConfirmedFactors(page.deps.db, page.session.accountId),
      listShownAliases(page.deps, page.session.accountId),
    ]);
    const twoStep = twoStepSummary(factors.map((f) => f.kind));
    const notice = NOTICES[page.query('notice') ?? ''];
    return page.render(
      { title: 'Login & Security', notice },
      <>
        <BackLink href="/account">Your Account</BackLink>
        <h1 class="page-title">Login &amp; Security</h1>
        <SignInDetails profile={profile} twoStep={twoStep} />
        <AliasesSection aliases={aliases} csrf={page.csrf} />
        <section class="card" aria-labelledby="sessions-title">
          <h2 id="sessions-title">Where you're signed in</h2>
          <p class="hint">If you don't recognise a device, sign it out and change your password.</p>
          <ul class="sessions">
            {sessions.map((session) => (
              <SessionRow session={session} current={session.id === page.session.sessionId} csrf={page.csrf} />
            ))}
          </ul>
          {sessions.length > 1 ? (
            <PostForm action="/account/sessions/end-others" csrf={page.csrf}>
              <button type="submit" class="button secondary">Sign out everywhere else</button>
            </PostForm>
          ) : null}
        </section>
        <section class="card" aria-labelledby="activity-title">
          <h2 id="activity-title" class="visually-hidden">Your login activity</h2>
          <ul class="settings">
            <SettingRow label="Login activity" href="/account/activity" action="View">
              <p class="muted">See every sign-in attempt and security change.</p>
            </SettingRow>
          </ul>
        </section>
      </>,
    );
  });

  routes.post('/account/sessions/end', signedIn, async (page) => {
    const sessionId = page.field('session', 200);
    // Someone else's session id ends nothing and answers like an unknown one (ASVS 8.2.2).
    if (!(await endOneSession(page.deps, page.session, sessionId, page.info))) throw errors.notFound('session');
    if (sessionId !== page.session.sessionId) return page.redirect('/account/security?notice=session-ended');
    clearSessionCookie(page.reply, page.deps.config);
    return page.redirect('/');
  });

  routes.post('/account/sessions/end-others', signedIn, async (page) => {
    await endAllOtherSessions(page.deps, page.session, page.info);
    return page.redirect('/account/security?notice=others-ended');
  });

  routes.post('/signout', signedInOrNot, async (page) => {
    if (page.session) await signOut(page.deps, page.session, page.info);
    clearSessionCookie(page.reply, page.deps.config);
    return page.redirect('/');
  });
}

function SignInDetails({ profile, twoStep }: { profile: Profile; twoStep: string }) {
  return (
    <section class="card" aria-labelledby="details-title">
      <h2 id="details-title" class="visually-hidden">Your sign-in details</h2>
      <ul class="settings">
        <SettingRow label="Name" href="/account/name" action="Edit">
          <p>{profile.name}</p>
        </SettingRow>
        <SettingRow label="Email" href="/account/email" action="Edit">
          <p class="identifier">{profile.email}</p>
          {profile.pendingEmail ? (
            <p class="pending">
              Waiting for you to confirm <span class="identifier">{profile.pendingEmail}</span>.{' '}
              <a href="/account/email/confirm">Enter code</a>
            </p>
          ) : null}
        </SettingRow>
        <SettingRow label="Mobile phone number" href="/account/phone" action={profile.phone ? 'Edit' : 'Add'}>
          <p class={profile.phone ? 'identifier' : 'muted'}>{profile.phone ?? 'Not added yet'}</p>
          {profile.pendingPhone ? (
            <p class="pending">
              Waiting for you to confirm <span class="identifier">{profile.pendingPhone}</span>.{' '}
              <a href="/account/phone/confirm">Enter code</a>
            </p>
          ) : null}
        </SettingRow>
        <SettingRow label="Password" href="/account/password" action="Edit">
          <p>
            <span aria-hidden="true">••••••••</span>
            <span class="visually-hidden">Not shown</span>
          </p>
        </SettingRow>
        <SettingRow label="Two-step verification" href="/account/two-step" action={twoStep === 'Off' ? 'Turn on' : 'Manage'}>
          <p class={twoStep === 'Off' ? 'muted' : undefined}>{twoStep}</p>
        </SettingRow>
        <SettingRow label="Passkeys" href="/account/passkeys" action="Manage">
          <p class="muted">Sign in with your fingerprint, face or screen lock.</p>
        </SettingRow>
      </ul>
    </section>
  );
}

function SettingRow(props: { label: string; href: string; action: string; children: ComponentChildren }) {
  return (
    <li class="setting">
      <div class="setting-body">
        <h3>{props.label}</h3>
        {props.children}
      </div>
      <a class="button secondary small" href={props.href}>
        {props.action}
        <span class="visually-hidden"> {props.label.toLowerCase()}</span>
      </a>
    </li>
  );
}

function SessionRow(props: { session: SessionListing; current: boolean; csrf: string }) {
  const { session } = props;
  return (
    <li class="session">
      <div class="session-body">
        <h3>
          {session.device}
          {props.current ? <span class="badge current">This device</span> : null}
        </h3>
        <p class="muted">{session.place}</p>
        <p class="muted">
          Signed in {formatTime(session.createdAt)} · Last used {formatTime(session.lastUsedAt)}
        </p>
      </div>
      <PostForm action="/account/sessions/end" csrf={props.csrf} class="inline-form">
        <input type="hidden" name="session" value={session.id} />
        <button type="submit" class="button secondary small">
          Sign out<span class="visually-hidden"> {props.current ? 'this device' : session.device}</span>
        </button>
      </PostForm>
    </li>
  );
}
