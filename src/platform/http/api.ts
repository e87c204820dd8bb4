import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Deps, RequestInfo } from '../context.js';
import { AppError, errors } from '../errors.js';
import { isOpaqueId } from '../crypto.js';
import { authenticateToken, type AuthenticatedSession } from '../../sessions/store.js';
import { authenticateStoreKey, type StoreKey } from '../../merchants/store-keys.js';
import { requireRecentStepUp } from '../../signin/step-up.js';
import { readSessionToken } from './session-cookie.js';
import { requestInfo } from './request-info.js';
import { parseBody } from './validation.js';

/**
 * JSON API routes are declared with this helper so each route lists its checks where it is declared
 * (`guards`), its body schema is both the validator and the OpenAPI description, and the error shape is one.
 */
export type Guard = 'session' | 'step-up' | 'store-key';

export interface ApiRequest<B> {
  request: FastifyRequest;
  reply: FastifyReply;
  body: B;
  params: Record<string, string>;
  query: Record<string, string>;
  info: RequestInfo;
  /** Present whenever the route has the 'session' guard. */
  session: AuthenticatedSession;
  /** Present whenever the route has the 'store-key' guard: the shop's back end, not a customer. */
  store: StoreKey;
}

export interface ApiRoute<B> {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  summary: string;
  tag: string;
  guards: Guard[];
  body?: z.ZodType<B>;
  /** Status → description, for the OpenAPI document; the first is the success status. */
  responses: Record<number, string>;
  handler(request: ApiRequest<B>): Promise<unknown>;
}

/** For the few routes whose success status depends on the outcome (a sign-in that is done, or needs a second step). */
export class ApiAnswer {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {}
}

export class ApiRegistry {
  private readonly routes: ApiRoute<unknown>[] = [];

  constructor(
    private readonly app: FastifyInstance,
    private readonly deps: Deps,
  ) {}

  add<B>(route: ApiRoute<B>): void {
    this.routes.push(route as ApiRoute<unknown>);
    const success = Number(Object.keys(route.responses)[0] ?? 200);
    this.app.route({
      method: route.method,
      url: route.path,
      handler: async (request, reply) => {
        // Forms can only GET or POST, so DELETE needs no body and no content-type check.
        if (route.method === 'POST' || route.method === 'PATCH') requireJson(request);
        // Who is asking comes first: a caller without a session or key learns nothing, not even which ids are well formed.
        const store = route.guards.includes('store-key') ? await this.authenticateStore(request) : null;
        const session = store ? null : await this.runGuards(route.guards, request);
        const params = request.params as Record<string, string>;
        if (Object.values(params).some((value) => !isOpaqueId(value))) throw errors.notFound();
        const body = route.body ? parseBody(route.body, request.body) : (undefined as B);
        const result = await route.handler({
          request,
          reply,
          body,
          params,
          query: request.query as Record<string, string>,
          info: requestInfo(request),
          session: session as AuthenticatedSession,
          store: store as StoreKey,
        });
        reply.header('cache-control', 'no-store');
        if (result === undefined) return reply.code(204).send();
        if (result instanceof ApiAnswer) return reply.code(result.status).send(result.body);
        return reply.code(success).send(result);
      },
    });
  }

  private async runGuards(guards: Guard[], request: FastifyRequest): Promise<AuthenticatedSession | null> {
    if (guards.length === 0) return null;
    const token = readSessionToken(request);
    const session = token ? await authenticateToken(this.deps, token) : null;
    if (!session) throw errors.unauthenticated();
    if (guards.includes('step-up')) requireRecentStepUp(this.deps, session);
    return session;
  }

  /** Store routes take only a store key: a customer's session token is never one, and vice versa. */
  private async authenticateStore(request: FastifyRequest): Promise<StoreKey> {
    const header = request.headers.authorization;
    const presented = typeof header === 'string' && header.startsWith('Bearer ') ? header.slice(7).trim() : '';
    const store = presented ? await authenticateStoreKey(this.deps, presented) : null;
    if (!store) throw new AppError(401, 'store.key_invalid', 'Send a valid store API key as Authorization: Bearer csk_….');
    return store;
  }

  openApiDocument(): Record<string, unknown> {
    const paths: Record<string, Record<string, unknown>> = {};
    for (const route of this.routes) {
      const path = route.path.replace(/:(\w+)/g, '{$1}');
      const params = [...route.path.matchAll(/:(\w+)/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
      paths[path] ??= {};
      paths[path][route.method.toLowerCase()] = {
        summary: route.summary,
        tags: [route.tag],
        security: route.guards.includes('store-key') ? [{ storeKey: [] }] : route.guards.length ? [{ session: [] }, { bearer: [] }] : [],
        parameters: params.length ? params : undefined,
        requestBody: route.body
          ? { required: true, content: { 'application/json': { schema: z.toJSONSchema(route.body, { target: 'openapi-3.0', io: 'input' }) } } }
          : undefined,
        responses: Object.fromEntries(
          Object.entries(route.responses).map(([status, description]) => [
            status,
            Number(status) >= 400 ? { description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } } : { description },
          ]),
        ),
      };
    }
    return {
      openapi: '3.0.3',
      info: { title: 'Custos API', version: '1', description: 'Customer accounts: sign-up, sign-in, sessions, Login & Security, addresses, payment methods and orders; the store API for the shop\'s back end.' },
      servers: [{ url: this.deps.config.publicUrl }],
      paths,
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: '__Host-custos_session' },
          bearer: { type: 'http', scheme: 'bearer' },
          storeKey: { type: 'http', scheme: 'bearer', description: 'A store API key (csk_…), created with `npm run store-key -- create`.' },
        },
        schemas: {
          Error: {
            type: 'object',
            required: ['error'],
            properties: {
              error: {
                type: 'object',
                required: ['code', 'message'],
                properties: {
                  code: { type: 'string', example: 'request.invalid' },
                  message: { type: 'string' },
                  fields: { type: 'object', additionalProperties: { type: 'string' } },
                },
              },
            },
          },
        },
      },
    };
  }
}

/** Cross-site forms can't send application/json, so requiring it is the API's CSRF defence. */
function requireJson(request: FastifyRequest): void {
  const type = request.headers['content-type'] ?? '';
  if (!/^application\/json\s*(;|$)/i.test(type)) {
    throw new AppError(415, 'request.json_required', 'Send the request body as JSON with Content-Type: application/json.');
  }
}
