import type { ComponentChildren } from 'preact';
import { renderToStaticMarkup } from 'preact-render-to-string';

/**
 * Every page is server-rendered through here: one stylesheet, no inline script (the CSP forbids it), and
 * scripts only where the browser must act, loaded from /assets.
 */
export interface PageOptions {
  title: string;
  /** The signed-in customer's first name, for the header; absent when signed out. */
  customerName?: string;
  /** CSRF token for the sign-out button in the header. */
  csrfToken?: string;
  /** A one-line status message shown above the content (e.g. "Your password was changed."). */
  notice?: string;
  scripts?: string[];
  /** Wider main column for overview pages. */
  wide?: boolean;
  /** The support console's pages (/support/*): the staff header instead of the customer's, never both. */
  console?: ConsoleHeader;
}

export interface ConsoleHeader {
  storeName: string;
  /** The signed-in staff member, with the sign-out button; absent on the sign-in and setup pages. */
  staffName?: string;
  csrfToken?: string;
}

export function renderPage(options: PageOptions, content: ComponentChildren): string {
  const body = renderToStaticMarkup(
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <meta name="color-scheme" content="light" />
        <title>{options.console ? `${options.title} · ${options.console.storeName} Support` : `${options.title} · Custos`}</title>
        <link rel="stylesheet" href="/assets/app.css" />
        {options.scripts?.map((src) => <script src={src} defer />)}
      </head>
      <body class={options.console ? 'console' : undefined}>
        <a class="skip-link" href="#main">Skip to content</a>
        {options.console ? <ConsoleHeaderBar {...options.console} /> : <CustomerHeader options={options} />}
        <main id="main" class={options.wide ? 'main wide' : 'main'}>
          {options.notice ? (
            <p class="notice" role="status">
              {options.notice}
            </p>
          ) : null}
          {content}
        </main>
        <footer class="site-footer">
          {options.console ? (
            <p>Support console. Everything you open and do here is recorded with your name.</p>
          ) : (
            <p>Your account is protected. We will never ask for your password by email, text or phone.</p>
          )}
        </footer>
      </body>
    </html>,
  );
  return `<!doctype html>${body}`;
}

/** Staff see who they are signed in as and how to leave; no customer links (an agent is not a customer here). */
function ConsoleHeaderBar(props: ConsoleHeader) {
  return (
    <header class="site-header console-header">
      <a class="brand" href="/support">
        <span class="brand-mark" aria-hidden="true">◆</span> {props.storeName} <span class="brand-console">Support</span>
      </a>
      {props.staffName !== undefined && (
        <nav aria-label="Staff">
          <span class="nav-greeting">Signed in as {props.staffName}</span>
          <form method="post" action="/support/signout" class="inline-form">
            <input type="hidden" name="_csrf" value={props.csrfToken ?? ''} />
            <button type="submit" class="link-button">Sign out</button>
          </form>
        </nav>
      )}
    </header>
  );
}

function CustomerHeader({ options }: { options: PageOptions }) {
  return (
    <header class="site-header">
      <a class="brand" href="/">
        <span class="brand-mark" aria-hidden="true">◆</span> Custos
      </a>
      <nav aria-label="Account">
        {options.customerName ? (
          <>
            <span class="nav-greeting">Hello, {options.customerName}</span>
            <a href="/account">Your Account</a>
            <form method="post" action="/signout" class="inline-form">
              <input type="hidden" name="_csrf" value={options.csrfToken ?? ''} />
              <button type="submit" class="link-button">Sign out</button>
            </form>
          </>
        ) : (
          <>
            <a href="/signin">Sign in</a>
            <a href="/signup">Create account</a>
          </>
        )}
      </nav>
    </header>
  );
}
