import * as client from 'openid-client';
import { createTestApp, signUp, type ListeningTestApp } from '../helpers/app.js';
import { ManualClock } from '../../src/platform/clock.js';
import { createPartner } from '../../src/partners/partners.js';
import { SESSION_COOKIE } from '../../src/platform/http/session-cookie.js';

/**
 * "Sign in with" over real HTTP: the service listening on 127.0.0.1, openid-client as the partner's relying party,
 * and a browser that keeps cookies by path the way a browser does and stops at the partner's redirect URI.
 * The clock starts at the real time: the provider stamps its tokens with the system clock.
 */
export async function startProvider(env: Record<string, string> = {}): Promise<ListeningTestApp> {
  return createTestApp({ PARTNER_LOGOUT_ALLOW_PRIVATE: '1', ...env }, { listen: true, clock: new ManualClock(Date.now()) });
}

export interface TestPartner {
  id: string;
  secret: string;
  name: string;
  redirectUri: string;
  rp: client.Configuration;
}

export async function partnerSite(t: ListeningTestApp, options: { name?: string; redirectUris?: string[]; backchannelLogoutUri?: string } = {}): Promise<TestPartner> {
  const redirectUris = options.redirectUris ?? ['http://127.0.0.1:9/callback'];
  const name = options.name ?? 'Lamp Shop';
  const { partner, clientSecret } = await createPartner(t.app.deps, { name, redirectUris, backchannelLogoutUri: options.backchannelLogoutUri });
  return { id: partner.id, secret: clientSecret, name, redirectUri: redirectUris[0]!, rp: await relyingParty(t, partner.id, clientSecret) };
}

export async function relyingParty(t: ListeningTestApp, clientId: string, secret: string, auth: 'basic' | 'post' = 'basic'): Promise<client.Configuration> {
  const authentication = auth === 'basic' ? client.ClientSecretBasic(secret) : client.ClientSecretPost(secret);
  return client.discovery(new URL(`${t.baseUrl}/oidc`), clientId, undefined, authentication, { execute: [client.allowInsecureRequests] });
}

export interface Answer {
  status: number;
  url: string;
  location: string | null;
  body: string;
  headers: Headers;
}

interface Cookie {
  name: string;
  value: string;
  path: string;
}

export class HttpBrowser {
  private cookies: Cookie[] = [];
  csrf = '';

  constructor(private readonly baseUrl: string) {}

  setCookie(name: string, value: string, path = '/'): void {
    this.cookies = this.cookies.filter((c) => !(c.name === name && c.path === path)).concat({ name, value, path });
  }

  hasCookie(name: string): boolean {
    return this.cookies.some((c) => c.name === name);
  }

  async request(url: string, init: { method?: string; form?: Record<string, string>; headers?: Record<string, string> } = {}): Promise<Answer> {
    const target = new URL(url, this.baseUrl);
    const cookie = this.cookies.filter((c) => target.pathname.startsWith(c.path)).map((c) => `${c.name}=${c.value}`).join('; ');
    const response = await fetch(target, {
      method: init.method ?? (init.form ? 'POST' : 'GET'),
      redirect: 'manual',
      headers: {
        ...(cookie ? { cookie } : {}),
        ...(init.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        ...init.headers,
      },
      body: init.form ? new URLSearchParams(init.form).toString() : undefined,
    });
    for (const header of response.headers.getSetCookie()) this.store(header);
    if (process.env.TRACE_HOPS) console.log('HOP', init.method ?? (init.form ? 'POST' : 'GET'), target.href, response.status, response.headers.get('location'));
    const body = await response.text();
    const token = /name="_csrf" value="([^"]+)"/.exec(body)?.[1];
    if (token) this.csrf = token;
    const location = response.headers.get('location');
    return { status: response.status, url: target.href, location: location ? new URL(location, target).href : null, body, headers: response.headers };
  }

  /** Follows redirects until the partner's redirect URI (not fetched: returned) or a page that needs the customer. */
  async follow(url: string, stopAt: string): Promise<Answer> {
    let answer = await this.request(url);
    for (let hops = 0; hops < 10 && answer.location; hops += 1) {
      if (answer.location.startsWith(stopAt)) return answer;
      if (process.env.TRACE_HOPS) console.log(answer.status, answer.url, "->", answer.location);
      answer = await this.request(answer.location);
    }
    return answer;
  }

  /** Posts the consent form of the last page loaded, then follows to the partner. */
  async consent(answer: Answer, form: Record<string, string>, stopAt: string): Promise<Answer> {
    const action = /<form method="post" action="(\/partner-signin\/[^"]+)"/.exec(answer.body)?.[1];
    if (!action) throw new Error(`no form on ${answer.url}: ${answer.body.slice(0, 300)}`);
    const posted = await this.request(action, { form: { _csrf: this.csrf, ...form } });
    if (!posted.location) return posted;
    return posted.location.startsWith(stopAt) ? posted : this.follow(posted.location, stopAt);
  }

  private store(header: string): void {
    const [pair, ...attributes] = header.split(';');
    const eq = pair!.indexOf('=');
    const name = pair!.slice(0, eq).trim();
    const value = pair!.slice(eq + 1).trim();
    const pathAttribute = attributes.map((a) => a.trim()).find((a) => a.toLowerCase().startsWith('path='));
    const path = pathAttribute ? pathAttribute.slice(5) : '/';
    const expired = value === '' || attributes.some((a) => /max-age=0\b/i.test(a.trim()) || /expires=Thu, 01 Jan 1970/i.test(a.trim()));
    this.cookies = this.cookies.filter((c) => !(c.name === name && c.path === path));
    if (!expired) this.cookies.push({ name, value, path });
  }
}

/** A customer with a confirmed email, signed in in a new browser. */
export async function signedInCustomer(t: ListeningTestApp, email: string, options: { name?: string; phone?: string } = {}): Promise<{ browser: HttpBrowser; token: string; accountId: string }> {
  const { token } = await signUp(t, { email, name: options.name ?? 'Ada Lovelace', phone: options.phone });
  const browser = new HttpBrowser(t.baseUrl);
  browser.setCookie(SESSION_COOKIE, token);
  const row = await t.app.deps.db.selectFrom('identifiers').select('account_id').where('normalized', '=', email.toLowerCase()).executeTakeFirstOrThrow();
  return { browser, token, accountId: row.account_id };
}

export interface StartedSignin {
  url: URL;
  verifier: string;
  state: string;
}

export async function startSignin(partner: TestPartner, parameters: Record<string, string> = {}): Promise<StartedSignin> {
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const url = client.buildAuthorizationUrl(partner.rp, {
    redirect_uri: partner.redirectUri,
    scope: 'openid profile email',
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    ...parameters,
  });
  return { url, verifier, state };
}

/** The whole first sign-in: authorize, consent with the first choices offered, back at the partner with a code. */
export async function signInWith(partner: TestPartner, browser: HttpBrowser, parameters: Record<string, string> = {}, form: Record<string, string> = {}) {
  const started = await startSignin(partner, parameters);
  let answer = await browser.follow(started.url.href, partner.redirectUri);
  if (answer.status === 200 && answer.body.includes('name="decision"')) answer = await browser.consent(answer, { decision: 'allow', ...firstChoices(answer.body), ...form }, partner.redirectUri);
  if (!answer.location?.startsWith(partner.redirectUri)) throw new Error(`did not get back to the partner: ${answer.status} ${answer.url} ${answer.body.slice(0, 3000)}`);
  return { callback: new URL(answer.location), ...started };
}

export function redeem(partner: TestPartner, signin: { callback: URL; verifier: string; state: string }) {
  return client.authorizationCodeGrant(partner.rp, signin.callback, { pkceCodeVerifier: signin.verifier, expectedState: signin.state });
}

/** The radio buttons checked on a consent page. */
export function firstChoices(html: string): Record<string, string> {
  const picks: Record<string, string> = {};
  for (const match of html.matchAll(/<input type="radio" id="[^"]*" name="(\w+)" value="([^"]+)" checked/g)) picks[match[1]!] = match[2]!;
  return picks;
}
