import { getProfile } from '../accounts/profile.js';
import { Icon, type IconName } from '../platform/web/icons.js';
import { firstName, type PageRoutes } from '../platform/web/page-routes.js';
import { signedIn } from '../sessions/guards.js';
import { supportCallLine, SupportCallLine } from '../support/talking-to-us.js';

/** "Your Account": the overview every signed-in visit starts from. */
export function registerAccountPages(routes: PageRoutes): void {
  routes.get('/account', signedIn, async (page) => {
    const profile = await getProfile(page.deps, page.session.accountId);
    const notice = page.query('welcome') === '1' ? 'Welcome! Your account is ready.' : undefined;
    const supportCall = await supportCallLine(page.deps, page.session.accountId);
    return page.render(
      { title: 'Your Account', wide: true, notice },
      <>
        <h1 class="page-title">Your Account</h1>
        <p class="lead">Hello, {firstName(profile.name)}.</p>
        <SupportCallLine line={supportCall} />
        {profile.pendingPhone ? (
          <div class="callout">
            <h2>Confirm your mobile number</h2>
            <p>
              We texted a code to <span class="identifier">{profile.pendingPhone}</span>. Enter it to finish adding the number
              to your account.
            </p>
            <a class="button" href="/account/phone/confirm">Enter the code</a>
          </div>
        ) : null}
        <ul class="tiles">
          <Tile href="/orders" icon="box" title="Your Orders" text="Track, return or report orders, and see what you spend." />
          <Tile href="/account/security" icon="lock" title="Login & Security" text="Edit your name, email, mobile number and password, and see where you're signed in." />
          <Tile href="/account/addresses" icon="home" title="Your Addresses" text="Edit addresses for orders and gifts." />
          <Tile href="/account/cards" icon="card" title="Payment methods" text="Manage the cards you pay with." />
          <Tile href="/account/apps" icon="apps" title="Apps and websites" text="See and remove the sites you sign in to or pay with your account." />
          <Tile href="/account/messages" icon="mail" title="Messages from us" text="Every email and text we sent you, your personal phrase, and reporting a message that isn't ours." />
          <Tile href="/account/data" icon="download" title="Your data" text="Download a copy of everything we hold about you, or close your account." />
        </ul>
      </>,
    );
  });
}

function Tile(props: { href: string; icon: IconName; title: string; text: string }) {
  return (
    <li>
      <a class="tile" href={props.href}>
        <Icon name={props.icon} />
        <span class="tile-title">{props.title}</span>
        <span class="tile-text">{props.text}</span>
      </a>
    </li>
  );
}
