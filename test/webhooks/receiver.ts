import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyWebhookSignature } from '../../src/webhooks/verify.js';

/**
 * A webhook receiver on 127.0.0.1 over real HTTP, as a store or partner would run one. Every request is kept
 * with whether its signature verified (against the secret the test gives it, at the time the test says); each
 * answer is taken from the queue of behaviours (a status, 'hang' to never answer, or a redirect), then 200.
 */
export type Behaviour = number | 'hang' | { redirect: string };

export interface ReceivedWebhook {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  json: { id: string; type: string; created: number; data: Record<string, unknown> };
  /** The `t` of the Custos-Signature header. */
  t: number;
  verified: boolean;
}

export interface Receiver {
  url: (path?: string) => string;
  received: ReceivedWebhook[];
  /** Which secret each path's endpoint signs with, and the receiver's clock (unix seconds) when checking. */
  secrets: Map<string, string>;
  now: () => number;
  answer(...behaviours: Behaviour[]): void;
  close(): Promise<void>;
}

export async function startReceiver(now: () => number): Promise<Receiver> {
  const received: ReceivedWebhook[] = [];
  const secrets = new Map<string, string>();
  const queue: Behaviour[] = [];
  const hanging = new Set<ServerResponse>();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const path = request.url ?? '/';
      const header = request.headers['custos-signature'];
      const signature = typeof header === 'string' ? header : undefined;
      const secret = secrets.get(path) ?? '';
      received.push({
        path,
        headers: request.headers,
        body,
        json: JSON.parse(body),
        t: Number(/t=(\d+)/.exec(signature ?? '')?.[1]),
        verified: verifyWebhookSignature({ secret, header: signature, body, now: receiver.now() }),
      });
      const behaviour = queue.shift() ?? 200;
      if (behaviour === 'hang') {
        hanging.add(response);
        return;
      }
      if (typeof behaviour === 'object') {
        response.writeHead(302, { location: behaviour.redirect }).end();
        return;
      }
      response.writeHead(behaviour, { 'content-type': 'text/plain' }).end(behaviour < 300 ? 'ok' : 'no');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const receiver: Receiver = {
    url: (path = '/hooks') => `http://127.0.0.1:${port}${path}`,
    received,
    secrets,
    now,
    answer: (...behaviours) => void queue.push(...behaviours),
    close: async () => {
      for (const response of hanging) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return receiver;
}
