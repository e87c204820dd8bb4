import type { FastifyInstance, RouteHandlerMethod } from 'fastify';

/**
 * Graceful shutdown waits for handlers, not just sockets. A client that hangs up mid-request (a load tester at
 * the end of its run, a closed tab) leaves its handler running — perhaps queued for a password hash — after
 * Fastify considers the request over; closing the database under it would fail that work half-way. Every
 * route's handler is counted here, and shutdown waits for the count to reach zero.
 */
export interface InFlight {
  drain(timeoutMs: number): Promise<void>;
}

export function trackHandlers(app: FastifyInstance): InFlight {
  let active = 0;
  let idle: Array<() => void> = [];
  app.addHook('onRoute', (route) => {
    const inner = route.handler as RouteHandlerMethod;
    route.handler = async function counted(this: FastifyInstance, request, reply) {
      active++;
      try {
        return await inner.call(this, request, reply);
      } finally {
        active--;
        if (active === 0) {
          for (const resolve of idle) resolve();
          idle = [];
        }
      }
    };
  });
  return {
    drain: (timeoutMs) =>
      active === 0
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, timeoutMs);
            idle.push(() => {
              clearTimeout(timer);
              resolve();
            });
          }),
  };
}
