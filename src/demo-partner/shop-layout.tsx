import type { ComponentChildren } from 'preact';
import { renderToStaticMarkup } from 'preact-render-to-string';

/**
 * The frame of every page of the shop: its own name, colours and type, so nobody mistakes it for the store's
 * pages at Custos. No script anywhere: every action is a plain form.
 */
export const SHOP_NAME = 'Northwind Outfitters';

export interface LayoutOptions {
  title: string;
  /** The visitor's name once signed in, for the header. */
  customerName?: string;
  csrf: string;
  /** One line above the content: what just happened. */
  notice?: string;
  /** Which navigation link is the current page. */
  current?: 'home' | 'cart' | 'events';
}

export function renderShopPage(options: LayoutOptions, content: ComponentChildren): string {
  const link = (href: string, label: string, key: LayoutOptions['current']) => (
    <a href={href} aria-current={options.current === key ? 'page' : undefined}>
      {label}
    </a>
  );
  return `<!doctype html>${renderToStaticMarkup(
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <title>{`${options.title} · ${SHOP_NAME}`}</title>
        <link rel="stylesheet" href="/northwind.css" />
      </head>
      <body>
        <a class="skip" href="#main">Skip to content</a>
        <header class="masthead">
          <a class="wordmark" href="/">
            <span aria-hidden="true">▲</span> {SHOP_NAME}
          </a>
          <nav aria-label="Shop">
            {link('/', 'Shop', 'home')}
            {link('/cart', 'Your cart', 'cart')}
            {link('/webhooks', 'Webhook log', 'events')}
            {options.customerName !== undefined && (
              <form method="post" action="/signout" class="inline">
                <input type="hidden" name="_csrf" value={options.csrf} />
                <button type="submit" class="link">
                  Sign out {options.customerName}
                </button>
              </form>
            )}
          </nav>
        </header>
        <main id="main">
          {options.notice && (
            <p class="notice" role="status">
              {options.notice}
            </p>
          )}
          {content}
        </main>
        <footer>
          <p>{SHOP_NAME} is a demonstration partner shop. No goods ship; payments go to the store's sandbox.</p>
        </footer>
      </body>
    </html>,
  )}`;
}

/** Forest green and ember orange on warm paper, serif headings: a shop with a look of its own. Every text pair meets WCAG AA. */
export const SHOP_CSS = `
:root { --paper: #faf6ee; --ink: #1d2a22; --muted: #4d5a50; --forest: #1f4d36; --forest-dark: #163a28;
  --ember: #b4470f; --line: #d8cfbd; --card: #fffdf8; --focus: #f2b705; --error: #a3231b; color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--paper); color: var(--ink); font: 17px/1.55 system-ui, -apple-system, "Segoe UI", sans-serif; }
h1, h2, h3 { font-family: Georgia, "Times New Roman", serif; color: var(--forest-dark); line-height: 1.2; }
h1 { font-size: 2rem; margin: 0 0 .5rem; }
a { color: var(--forest); }
.skip { position: absolute; left: -999px; } .skip:focus { left: 1rem; top: 1rem; background: #fff; padding: .5rem; }
.masthead { display: flex; flex-wrap: wrap; gap: 1rem; align-items: center; justify-content: space-between;
  padding: 1rem 2rem; background: var(--forest); color: #fff; border-bottom: 6px solid var(--ember); }
.wordmark { color: #fff; text-decoration: none; font: 700 1.45rem Georgia, serif; letter-spacing: .02em; }
.masthead nav { display: flex; flex-wrap: wrap; gap: 1.25rem; align-items: center; }
.masthead nav a, .masthead .link { color: #fff; font-size: .95rem; }
.masthead nav a[aria-current="page"] { text-decoration-thickness: 3px; text-underline-offset: 5px; }
main { max-width: 58rem; margin: 0 auto; padding: 2rem; }
footer { max-width: 58rem; margin: 0 auto; padding: 1rem 2rem 3rem; color: var(--muted); font-size: .9rem; }
.hero { display: grid; grid-template-columns: 1.4fr 1fr; gap: 2rem; align-items: center; }
.hero p.lead { font-size: 1.15rem; color: var(--muted); }
.panel { background: var(--card); border: 1px solid var(--line); border-radius: 4px; padding: 1.5rem; margin: 1.5rem 0;
  box-shadow: 4px 4px 0 var(--line); }
.panel h2 { margin-top: 0; font-size: 1.35rem; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .4rem 1.25rem; margin: 0; }
dl.facts dt { font-weight: 600; color: var(--muted); } dl.facts dd { margin: 0; overflow-wrap: anywhere; }
table { width: 100%; border-collapse: collapse; background: var(--card); }
th, td { text-align: left; padding: .6rem .75rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-size: .85rem; text-transform: uppercase; letter-spacing: .05em; color: var(--muted); }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
tfoot td { font-weight: 700; border-bottom: 0; }
.button { display: inline-block; font: 600 1rem system-ui, sans-serif; padding: .75rem 1.4rem; border-radius: 999px;
  border: 2px solid var(--ember); background: var(--ember); color: #fff; cursor: pointer; text-decoration: none; }
.button:hover { background: #933a0c; border-color: #933a0c; }
.button.quiet { background: transparent; color: var(--forest); border-color: var(--forest); }
.link { background: none; border: 0; padding: 0; font: inherit; text-decoration: underline; cursor: pointer; }
form.inline { display: inline; }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
.notice { background: #e6f0e8; border-left: 5px solid var(--forest); padding: .75rem 1rem; }
.problem { background: #fbeceb; border-left: 5px solid var(--error); padding: .75rem 1rem; }
label { display: block; font-weight: 600; margin-bottom: .3rem; }
input[type="text"] { font: inherit; padding: .55rem .7rem; border: 2px solid #6b6657; border-radius: 4px; width: 12rem; }
input[aria-invalid="true"] { border-color: var(--error); }
.field-error { color: var(--error); font-weight: 600; margin: .3rem 0 0; }
.hint { color: var(--muted); font-size: .92rem; margin: .3rem 0 .8rem; }
.fine { color: var(--muted); font-size: .92rem; }
.ok { color: var(--forest); font-weight: 700; } .bad { color: var(--error); font-weight: 700; }
code { font-size: .88rem; overflow-wrap: anywhere; }
.events code, .events .ok, .events .bad, .events .when { white-space: nowrap; overflow-wrap: normal; }
@media (max-width: 40rem) { .hero { grid-template-columns: 1fr; } main { padding: 1.25rem; } .masthead { padding: 1rem 1.25rem; } }
`;
