import { ManualClock } from '../../src/platform/clock.js';
import { api, createTestApp, type ListeningTestApp, type TestApp } from './app.js';

/**
 * Concurrency through real HTTP: the app listening on a port, and bursts of requests fired at once with
 * `fetch`, each from its own address (X-Forwarded-For, believed because the test app trusts one proxy hop).
 */
export const TRUST_ONE_PROXY = { TRUST_PROXY: '1' };

/** Where a burst is sent: a listening test app (or another process of the service). */
export interface Listening {
  baseUrl: string;
}

export interface BurstAnswer {
  status: number;
  code?: string;
}

/** Fires every request at once and waits for all the answers. */
export async function burst(requests: Array<{ server: Listening; path: string; body: unknown; ip: string }>): Promise<BurstAnswer[]> {
  return Promise.all(
    requests.map(async ({ server, path, body, ip }) => {
      const res = await fetch(`${server.baseUrl}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': ip },
        body: JSON.stringify(body),
      });
      const text = await res.text();
      let code: string | undefined;
      try {
        code = JSON.parse(text)?.error?.code;
      } catch {
        // Not JSON: the status says enough.
      }
      return { status: res.status, code };
    }),
  );
}

/** An address for the n-th request of a burst: every one a different network. */
export function burstIp(n: number): string {
  return `100.${64 + Math.floor(n / 65_536)}.${Math.floor(n / 256) % 256}.${n % 256}`;
}

/**
 * A second instance of the service on the same database (its own connection pool, its own clock set to
 * the same time), listening: what two app processes behind a balancer share is the database, and only that.
 * `env` is the first one's, so both run with the same settings.
 */
export function secondInstance(t: TestApp, env: Record<string, string> = {}): Promise<ListeningTestApp> {
  return createTestApp(env, { database: t.database, clock: new ManualClock(t.clock.now()), listen: true });
}

/** Audit rows of one type for an account (or for no account), optionally for one method. */
export async function countEvents(t: TestApp, type: string, filter: { accountId?: string | null; method?: string } = {}): Promise<number> {
  let query = t.app.deps.db.selectFrom('audit_events').select(['detail']).where('type', '=', type);
  if (filter.accountId !== undefined) query = filter.accountId === null ? query.where('account_id', 'is', null) : query.where('account_id', '=', filter.accountId);
  const rows = await query.execute();
  return rows.filter((row) => !filter.method || String(row.detail ?? '').includes(`"method":"${filter.method}"`)).length;
}

/** `count` sign-in flows for one identifier, each started from its own address, waiting for the password. */
export async function flowsAtPassword(t: TestApp, identifier: string, count: number): Promise<string[]> {
  return Promise.all(
    Array.from({ length: count }, async (_, n) => {
      const flow = await api(t, 'POST', '/api/v1/signin/flows', { body: {}, ip: burstIp(n) });
      await api(t, 'POST', `/api/v1/signin/flows/${flow.body.flow.id}/identifier`, { body: { identifier }, ip: burstIp(n) });
      return flow.body.flow.id as string;
    }),
  );
}
