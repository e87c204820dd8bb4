import { verify } from '@node-rs/argon2';
import { ManualClock } from '../src/platform/clock.js';
import { hashPassword } from '../src/passwords/hashing.js';
import { createTestApp } from '../test/helpers/app.js';

/** The bare argon2id verify rate at the service's parameters, with `concurrency` verifies always in flight (the service's own limit). */
export async function argon2VerifyRate(concurrency: number, seconds: number): Promise<number> {
  const password = 'bench password for the bare verify';
  const stored = await hashPassword(password);
  const deadline = performance.now() + seconds * 1000;
  let done = 0;
  const worker = async () => {
    while (performance.now() < deadline) {
      await verify(stored, password);
      done++;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  return done / ((performance.now() - started) / 1000);
}

/** Database statements per authenticated GET /api/v1/session, counted on the real query path. */
export async function queriesPerSessionCheck(env: { dataDir: string; databaseUrl?: string }, token: string, requests = 200): Promise<number> {
  let queries = 0;
  // On the bench's database, at the time its sessions were made.
  const { app, close } = await createTestApp({}, { database: env, onQuery: () => queries++, clock: new ManualClock(Date.now()) });
  await app.fastify.ready();
  queries = 0;
  for (let i = 0; i < requests; i++) {
    const response = await app.fastify.inject({ method: 'GET', url: '/api/v1/session', headers: { authorization: `Bearer ${token}` } });
    if (response.statusCode !== 200) throw new Error(`session check failed: ${response.statusCode}`);
  }
  const perRequest = queries / requests;
  await close();
  return perRequest;
}
