import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, lastCodeTo, STRONG_PASSWORD, type ListeningTestApp } from '../helpers/app.js';

/**
 * The same journeys over a real port, as a browser without JavaScript makes them: cookies kept by hand, forms
 * posted urlencoded, redirects read from the Location header and not followed.
 */
class FormClient {
  private readonly cookies = new Map<string, string>();
  private csrf = '';
  constructor(private readonly baseUrl: string) {}

  async send(method: 'GET' | 'POST', path: string, form?: Record<string, string>): Promise<{ status: number; text: string; location: string | null }> {
    const headers: Record<string, string> = { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0' };
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (form) headers['content-type'] = 'application/x-www-form-urlencoded';
    const body = form ? new URLSearchParams({ _csrf: this.csrf, ...form }).toString() : undefined;
    const response = await fetch(`${this.baseUrl}${path}`, { method, headers, body, redirect: 'manual' });
    for (const set of response.headers.getSetCookie()) {
      const [pair] = set.split(';');
      const eq = pair!.indexOf('=');
      this.cookies.set(pair!.slice(0, eq), pair!.slice(eq + 1));
    }
    const text = await response.text();
    const token = /name="_csrf" value="([^"]+)"/.exec(text)?.[1];
    if (token) this.csrf = token;
    return { status: response.status, text, location: response.headers.get('location') };
  }

  hidden(text: string, name: string): string | undefined {
    return new RegExp(`<input type="hidden" name="${name}" value="([^"]*)"`).exec(text)?.[1]?.replace(/&amp;/g, '&');
  }
}

describe('return_to over HTTP', () => {
  let t: ListeningTestApp;
  beforeEach(async () => {
    t = await createTestApp({ RETURN_URL_ORIGINS: 'http://localhost:3001' }, { listen: true });
    const signup = await fetch(`${t.baseUrl}/api/v1/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Ada Lovelace', email: 'ada@example.com', password: STRONG_PASSWORD }),
    });
    const flowId = ((await signup.json()) as { flow: { id: string } }).flow.id;
    const confirmed = await fetch(`${t.baseUrl}/api/v1/signup/${flowId}/confirm`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code: await lastCodeTo(t, 'ada@example.com'), password: STRONG_PASSWORD }),
    });
    expect(confirmed.status).toBe(201);
  });
  afterEach(() => t.close());

  async function signInFrom(client: FormClient, signinUrl: string): Promise<string | null> {
    const page = await client.send('GET', signinUrl);
    expect(page.status).toBe(200);
    const returnTo = client.hidden(page.text, 'return_to');
    const identified = await client.send('POST', '/signin', { identifier: 'ada@example.com', ...(returnTo ? { return_to: returnTo } : {}) });
    const flow = new URL(identified.location!, t.baseUrl).searchParams.get('flow')!;
    await client.send('GET', identified.location!);
    return (await client.send('POST', '/signin/password', { flow, password: STRONG_PASSWORD })).location;
  }

  it('a signed-out deep link comes back after sign-in; the shop origin is honoured; //evil.example is not', async () => {
    const deep = new FormClient(t.baseUrl);
    const refused = await deep.send('GET', '/orders?page=2');
    expect(refused.status).toBe(303);
    expect(refused.location).toBe('/signin?return_to=%2Forders%3Fpage%3D2');
    expect(await signInFrom(deep, refused.location!)).toBe('/orders?page=2');
    expect((await deep.send('GET', '/orders?page=2')).status).toBe(200);

    expect(await signInFrom(new FormClient(t.baseUrl), '/signin?return_to=http%3A%2F%2Flocalhost%3A3001%2Fcheckout')).toBe('http://localhost:3001/checkout');
    expect(await signInFrom(new FormClient(t.baseUrl), '/signin?return_to=%2F%2Fevil.example')).toBe('/account');
    expect(await signInFrom(new FormClient(t.baseUrl), '/signin?return_to=http%3A%2F%2Flocalhost%3A3002%2F')).toBe('/account');
  });

  it('the JSON sign-in API answers the checked destination as return_to', async () => {
    const call = async (path: string, body: unknown) => {
      const response = await fetch(`${t.baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      return { status: response.status, body: (await response.json()) as Record<string, any> };
    };
    for (const [asked, answered] of [['http://localhost:3001/cart', 'http://localhost:3001/cart'], ['https://localhost:3001.evil.example/', undefined]] as const) {
      const flow = await call('/api/v1/signin/flows', { return_to: asked });
      await call(`/api/v1/signin/flows/${flow.body.flow.id}/identifier`, { identifier: 'ada@example.com' });
      const done = await call(`/api/v1/signin/flows/${flow.body.flow.id}/password`, { password: STRONG_PASSWORD });
      expect(done.status).toBe(201);
      expect(done.body.return_to).toBe(answered);
      expect(done.body.next).toBe(answered ?? '/account');
    }
  });
});
