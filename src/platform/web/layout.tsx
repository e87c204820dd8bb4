import type { ComponentChildren } from 'preact';
import { renderToStaticMarkup } from 'preact-render-to-string';
import type { Greeting } from '../http/guard.js';

/**
 * Every page is server-rendered through here: one stylesheet, no inline script (the CSP forbids it), and
 * scripts only where the browser must act, loaded from /assets. This is the document frame only; what sits
 * around the content (header, footer, the title's suffix) is the chrome of the area the page belongs to.
 */
export interface PageOptions {
  title: string;
  /** A one-line status message shown above the content (e.g. "Your password was changed."). */
  notice?: string;
  scripts?: string[];
  /** Wider main column for overview pages. */
  wide?: boolean;
}

/**
 * What one area's pages wear (the customer's pages, the support console's): handed to that area's PageRoutes,
 * so the frame knows no area.
 */
export interface Chrome {
  /** After the page's own title: "Sign in · <suffix>". */
  titleSuffix: string;
  bodyClass?: string;
  /** The one line at the foot of every page. */
  footer: string;
  /** The header for whoever is looking; no viewer means nobody is known (an error page). */
  header(viewer?: Viewer): ComponentChildren;
}

/** Who is looking at a page, as the route's guard found them, and the token a sign-out form in the header needs. */
export interface Viewer {
  /** The guard's result: a greeting, and whatever else that guard resolves (an area's header may read it). */
  readonly given: Greeting;
  readonly csrf: string;
}

export function renderPage(options: PageOptions, content: ComponentChildren, chrome: Chrome, viewer?: Viewer): string {
  const body = renderToStaticMarkup(
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <meta name="color-scheme" content="light" />
        <title>{`${options.title} · ${chrome.titleSuffix}`}</title>
        <link rel="stylesheet" href="/assets/app.css" />
        {options.scripts?.map((src) => <script src={src} defer />)}
      </head>
      <body class={chrome.bodyClass}>
        <a class="skip-link" href="#main">Skip to content</a>
        {chrome.header(viewer)}
        <main id="main" class={options.wide ? 'main wide' : 'main'}>
          {options.notice ? (
            <p class="notice" role="status">
              {options.notice}
            </p>
          ) : null}
          {content}
        </main>
        <footer class="site-footer">
          <p>{chrome.footer}</p>
        </footer>
      </body>
    </html>,
  );
  return `<!doctype html>${body}`;
}
