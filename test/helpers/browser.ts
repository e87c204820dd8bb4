import { expect } from 'vitest';
import type { App } from '../../src/app.js';
import type { TestApp } from './app.js';

export interface PageResponse {
  status: number;
  body: string;
  location: string | undefined;
  headers: Record<string, unknown>;
}

/**
 * A pretend browser for the page tests: keeps cookies like a browser would, remembers the CSRF token of the
 * last page it loaded, and posts forms the way a form does (urlencoded, 303s not followed).
 */
export class Browser {
  readonly cookies = new Map<string, string>();
  csrf = '';

  constructor(
    private readonly app: App,
    private readonly userAgent = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0',
  ) {}

  async get(url: string): Promise<PageResponse> {
    return this.send('GET', url);
  }

  /** Posts a form with the CSRF token of the last page loaded, unless the test says otherwise. */
  async post(url: string, form: Record<string, string>, options: { csrf?: boolean } = {}): Promise<PageResponse> {
    const fields = options.csrf === false ? form : { _csrf: this.csrf, ...form };
    return this.send('POST', url, new URLSearchParams(fields).toString());
  }

  /** Loads the page holding the form first, as a person would, then posts it. */
  async submit(pageUrl: string, action: string, form: Record<string, string>): Promise<PageResponse> {
    const page = await this.get(pageUrl);
    expect(page.status).toBe(200);
    return this.post(action, form);
  }

  private async send(method: 'GET' | 'POST', url: string, payload?: string): Promise<PageResponse> {
    const response = await this.app.fastify.inject({
      method,
      url,
      payload,
      headers: {
        'user-agent': this.userAgent,
        ...(payload !== undefined ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        ...(this.cookies.size ? { cookie: [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ') } : {}),
      },
    });
    for (const cookie of response.cookies as Array<{ name: string; value: string; expires?: Date; maxAge?: number }>) {
      // Cookie lifetimes follow the app's manual clock, not this machine's, so only an explicit clear removes one.
      const expired = cookie.value === '' || cookie.maxAge === 0 || cookie.expires?.getTime() === 0;
      if (expired) this.cookies.delete(cookie.name);
      else this.cookies.set(cookie.name, cookie.value);
    }
    const token = /name="_csrf" value="([^"]+)"/.exec(response.body)?.[1];
    if (token) this.csrf = token;
    const location = response.headers.location;
    return { status: response.statusCode, body: response.body, location: typeof location === 'string' ? location : undefined, headers: response.headers };
  }
}

/** The newest message body sent to `recipient` by `template`, from the outbox. */
export async function lastMessage(testApp: TestApp, recipient: string, template: string): Promise<string> {
  const row = await testApp.database.db.kysely
    .selectFrom('outbox')
    .select('text_body')
    .where('recipient', '=', recipient)
    .where('template', '=', template)
    .orderBy('created_at', 'desc')
    .executeTakeFirstOrThrow();
  return row.text_body;
}

export function codeIn(text: string): string {
  const code = /^\s{4}(\d{6})\s*$/m.exec(text)?.[1] ?? /\b(\d{6})\b/.exec(text)?.[1];
  if (!code) throw new Error(`no code in message: ${text}`);
  return code;
}

/** Every visible form control has a <label for> naming its id, and every label points at a real control. */
export function expectEveryInputLabelled(html: string): void {
  const ids = [...html.matchAll(/<input\b([^>]*)>/g)]
    .map((match) => match[1] ?? '')
    // Hidden inputs (type="hidden", or the `hidden` username hint for password managers) need no label.
    .filter((attributes) => !/type="hidden"|\shidden(?=[\s/>])/.test(attributes))
    .map((attributes) => /\bid="([^"]+)"/.exec(attributes)?.[1]);
  const labels = new Set([...html.matchAll(/<label for="([^"]+)"/g)].map((match) => match[1]));
  expect(ids.length).toBeGreaterThan(0);
  for (const id of ids) {
    expect(id, 'every visible input has an id').toBeTruthy();
    expect(labels.has(id), `a <label for="${id}">`).toBe(true);
  }
  for (const label of labels) expect(ids, `label for="${label}" has its input`).toContain(label);
}

export const STRONG_PASSWORD = 'velvet harbour quietly juggles';
export const OTHER_STRONG_PASSWORD = 'copper lantern drifts over marshland';

/** Sign-up through the pages up to the code, then confirm it: a signed-in browser. */
export async function signUp(testApp: TestApp, browser: Browser, person: { name: string; email: string; phone?: string }): Promise<void> {
  const started = await browser.submit('/signup', '/signup', { ...person, phone: person.phone ?? '', password: STRONG_PASSWORD });
  expect(started.status).toBe(303);
  const flowId = new URL(started.location!, 'http://x').searchParams.get('flow')!;
  const code = codeIn(await lastMessage(testApp, person.email, 'signupConfirmationEmail'));
  const confirmed = await browser.submit(started.location!, '/signup/confirm', { flow: flowId, code });
  expect(confirmed.status).toBe(303);
  expect(confirmed.location).toBe('/account?welcome=1');
}

export async function signIn(browser: Browser, identifier: string, password = STRONG_PASSWORD): Promise<PageResponse> {
  const identified = await browser.submit('/signin', '/signin', { identifier });
  expect(identified.status).toBe(303);
  const flowId = new URL(identified.location!, 'http://x').searchParams.get('flow')!;
  return browser.submit(identified.location!, '/signin/password', { flow: flowId, password });
}
