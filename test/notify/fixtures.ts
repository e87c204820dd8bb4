import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyBaseLogger } from 'fastify';

/** What the worker logged, so tests can assert that no code, body or full address reached the logs. */
export interface LogEntry {
  level: string;
  fields: unknown;
  message?: string;
}

export function fakeLogger(): { log: FastifyBaseLogger; entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  const record =
    (level: string) =>
    (fields: unknown, message?: string): void => {
      entries.push({ level, fields, message });
    };
  const log = {
    level: 'info',
    fatal: record('fatal'),
    error: record('error'),
    warn: record('warn'),
    info: record('info'),
    debug: record('debug'),
    trace: record('trace'),
    silent: () => undefined,
    child: () => log,
  };
  return { log: log as unknown as FastifyBaseLogger, entries };
}

export interface SmsRequest {
  method: string;
  contentType: string | undefined;
  body: string;
}

/** A real HTTP SMS gateway on a free port; answers with the queued statuses, then 200. */
export async function startSmsGateway(statuses: number[] = []): Promise<{
  url: string;
  requests: SmsRequest[];
  close(): Promise<void>;
}> {
  const requests: SmsRequest[] = [];
  const server = createServer((request, response) => {
    void readBody(request).then((body) => {
      requests.push({ method: request.method ?? '', contentType: request.headers['content-type'], body });
      response.statusCode = statuses.shift() ?? 200;
      response.end('{"echo":"gateway detail that must not be logged"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/sms`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
