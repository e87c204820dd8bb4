import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createTestApp } from '../helpers/app.js';

function get(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      let body = '';
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('operations', () => {
  it('answers GET /healthz over real HTTP', async () => {
    const t = await createTestApp();
    await t.app.fastify.listen({ host: '127.0.0.1', port: 0 });
    const { port } = t.app.fastify.server.address() as AddressInfo;
    const health = await get(port, '/healthz');
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body)).toEqual({ status: 'ok' });
    await t.close();
  });

  it('graceful shutdown finishes a request that is in flight, then stops accepting', async () => {
    const t = await createTestApp();
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let entered!: () => void;
    const inHandler = new Promise<void>((resolve) => (entered = resolve));
    t.app.fastify.get('/__held', async () => {
      entered();
      await held;
      return { finished: true };
    });
    await t.app.fastify.listen({ host: '127.0.0.1', port: 0 });
    const { port } = t.app.fastify.server.address() as AddressInfo;

    const inFlight = get(port, '/__held');
    await inHandler;
    let closed = false;
    const closing = t.app.close().then(() => (closed = true));
    // The close cannot complete while the request is still being handled.
    await new Promise((resolve) => setImmediate(resolve));
    expect(closed).toBe(false);
    release();
    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toEqual({ finished: true });
    await closing;
    await expect(get(port, '/healthz')).rejects.toThrow();
    await t.database.close();
  });

  it('graceful shutdown also waits for a handler whose client hung up, so no work is cut off half-way', async () => {
    const t = await createTestApp();
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let entered!: () => void;
    const inHandler = new Promise<void>((resolve) => (entered = resolve));
    let finished = false;
    t.app.fastify.get('/__abandoned', async () => {
      entered();
      await held;
      // The database is still open here: the handler's own work completes.
      await t.app.deps.db.selectFrom('accounts').select('id').limit(1).execute();
      finished = true;
      return { finished };
    });
    await t.app.fastify.listen({ host: '127.0.0.1', port: 0 });
    const { port } = t.app.fastify.server.address() as AddressInfo;
    const abandoned = request({ host: '127.0.0.1', port, path: '/__abandoned', agent: false });
    abandoned.on('error', () => undefined);
    abandoned.end();
    await inHandler;
    abandoned.destroy();
    let closed = false;
    const closing = t.app.close().then(() => (closed = true));
    // Let the server finish closing its (now empty) sockets; the app must still be waiting for the handler.
    for (let turn = 0; turn < 50; turn++) await new Promise((resolve) => setImmediate(resolve));
    expect(t.app.fastify.server.listening).toBe(false);
    expect(closed).toBe(false);
    release();
    await closing;
    expect(finished).toBe(true);
    await t.database.close();
  });
});
