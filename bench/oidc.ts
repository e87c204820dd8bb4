import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../src/platform/db/connect.js';
import { systemClock } from '../src/platform/clock.js';
import { cryptoRandom } from '../src/platform/random.js';
import { createPartner } from '../src/partners/partners.js';
import type { LoadResult } from './load.js';

/**
 * Full "Sign in with" flows per second through HTTP, as a returning customer makes them: authorize → our sign-in
 * page (session already present, consent remembered) → back to the provider → code at the partner → code redeemed
 * at the token endpoint with PKCE and the client secret. Each flow is a browser without the provider's cookie, so
 * every one passes through our page. `connections` flows run at a time.
 */
const REDIRECT_URI = 'http://127.0.0.1:9/callback';

export async function loadOidcSignins(url: string, db: Db, options: { sessionToken: string; connections: number; seconds: number }): Promise<LoadResult> {
  const { partner, clientSecret } = await createPartner({ db: db.kysely, clock: systemClock, random: cryptoRandom }, { name: 'Bench partner', redirectUris: [REDIRECT_URI] });
  const basic = `Basic ${Buffer.from(`${encodeURIComponent(partner.id)}:${encodeURIComponent(clientSecret)}`).toString('base64')}`;
  const session = `__Host-custos_session=${options.sessionToken}`;
  // The first sign-in consents (remembered from then on); it is not counted.
  await consentOnce(url, partner.id, session);
  const latencies: number[] = [];
  let errors = 0;
  const deadline = performance.now() + options.seconds * 1000;
  const worker = async () => {
    while (performance.now() < deadline) {
      const started = performance.now();
      try {
        await oneSignin(url, partner.id, basic, session);
        latencies.push(performance.now() - started);
      } catch {
        errors++;
      }
    }
  };
  const began = performance.now();
  await Promise.all(Array.from({ length: options.connections }, worker));
  const elapsed = (performance.now() - began) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * q))] ?? 0);
  return { perSecond: latencies.length / elapsed, p50: at(0.5), p99: at(0.99), errors };
}

async function oneSignin(url: string, clientId: string, basic: string, session: string): Promise<void> {
  const verifier = randomBytes(32).toString('base64url');
  const jar = new Map<string, string>([['__Host-custos_session', session.split('=')[1]!]]);
  const code = await authorize(url, clientId, verifier, jar);
  const token = await fetch(`${url}/oidc/token`, {
    method: 'POST',
    headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: verifier }).toString(),
  });
  const body = (await token.json()) as { id_token?: string };
  if (!token.ok || !body.id_token) throw new Error(`token endpoint answered ${token.status}`);
}

/** Follows the browser's redirects, keeping cookies, until the partner's redirect URI; returns the code. */
async function authorize(url: string, clientId: string, verifier: string, jar: Map<string, string>): Promise<string> {
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const query = new URLSearchParams({ client_id: clientId, redirect_uri: REDIRECT_URI, response_type: 'code', scope: 'openid profile email', code_challenge: challenge, code_challenge_method: 'S256', state: 'bench' });
  let next = `${url}/oidc/auth?${query}`;
  for (let hop = 0; hop < 6; hop++) {
    const response = await fetch(next, { redirect: 'manual', headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') } });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const eq = pair!.indexOf('=');
      jar.set(pair!.slice(0, eq), pair!.slice(eq + 1));
    }
    await response.arrayBuffer();
    const location = response.headers.get('location');
    if (!location) throw new Error(`stopped at ${next}: ${response.status}`);
    const target = new URL(location, next);
    if (target.href.startsWith(REDIRECT_URI)) return target.searchParams.get('code')!;
    next = target.href;
  }
  throw new Error('too many redirects');
}

async function consentOnce(url: string, clientId: string, session: string): Promise<void> {
  const jar = new Map<string, string>([['__Host-custos_session', session.split('=')[1]!]]);
  const challenge = createHash('sha256').update(randomBytes(32).toString('base64url')).digest('base64url');
  const query = new URLSearchParams({ client_id: clientId, redirect_uri: REDIRECT_URI, response_type: 'code', scope: 'openid profile email', code_challenge: challenge, code_challenge_method: 'S256', state: 'bench' });
  const cookies = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const keep = (response: Response) => {
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const eq = pair!.indexOf('=');
      jar.set(pair!.slice(0, eq), pair!.slice(eq + 1));
    }
  };
  const first = await fetch(`${url}/oidc/auth?${query}`, { redirect: 'manual', headers: { cookie: cookies() } });
  keep(first);
  const pageUrl = new URL(first.headers.get('location')!, url).href;
  const page = await fetch(pageUrl, { headers: { cookie: cookies() } });
  keep(page);
  const html = await page.text();
  const csrf = /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
  const email = /name="email" value="([^"]+)" checked/.exec(html)?.[1] ?? '';
  const posted = await fetch(pageUrl, { method: 'POST', redirect: 'manual', headers: { cookie: cookies(), 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ _csrf: csrf, decision: 'allow', email }).toString() });
  if (posted.status !== 303) throw new Error(`consent answered ${posted.status}`);
}
