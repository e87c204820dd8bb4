import type { Db } from '../src/platform/db/connect.js';

/** A confirmed account for the load, created through the public API like any customer's, on a known device. */
export const BENCH_DEVICE = 'benchbenchbenchbenchbenchbenchbenchbench123';

export async function createBenchAccount(url: string, db: Db): Promise<{ identifier: string; password: string; token: string; deviceCookie: string }> {
  const identifier = 'bench@example.test';
  const password = 'velvet harbour lantern quietly glows';
  const headers = { 'content-type': 'application/json', cookie: `__Host-custos_device=${BENCH_DEVICE}` };
  const post = async (path: string, body: unknown) => {
    const response = await fetch(url + path, { method: 'POST', headers, body: JSON.stringify(body) });
    const json = (await response.json()) as Record<string, any>;
    if (!response.ok) throw new Error(`${path}: ${response.status} ${JSON.stringify(json)}`);
    return json;
  };
  const started = await post('/api/v1/signup', { name: 'Bench Runner', email: identifier, password });
  const message = await db.kysely.selectFrom('outbox').select('text_body').where('recipient', '=', identifier).orderBy('created_at', 'desc').executeTakeFirstOrThrow();
  const code = /\b(\d{6})\b/.exec(message.text_body)![1]!;
  const confirmed = await post(`/api/v1/signup/${started.flow.id}/confirm`, { code, password });
  return { identifier, password, token: confirmed.session.token, deviceCookie: BENCH_DEVICE };
}
