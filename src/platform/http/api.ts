import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Deps, RequestInfo } from '../context.js';
import { AppError, errors } from '../errors.js';
import { isOpaqueId } from '../crypto.js';
import { resolveGuards, securityOf, type Guard, type GuardedBy } from './guard.js';
import { requestInfo } from './request-info.js';
import { parseBody } from './validation.js';

/**
 * JSON API routes are declared with this helper so each route lists its checks where it is declared
 * (`guards`, objects the features export: platform/http/guard.ts), its body schema is both the validator and
 * the OpenAPI description, and the error shape is one.
 */
export interface ApiRequest<B> {
  request: FastifyRequest;
  reply: FastifyReply;
  body: B;
  params: Record<string, string>;
  query: Record<string, string>;
  info: RequestInfo;
}

export interface ApiRoute<B, G extends readonly Guard[] = readonly Guard[]> {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  summary: string;
  tag: string;
  /** Who may call it; the handler receives what they resolve to (a session, a store key). */
  guards: G;
  body?: z.ZodType<B>;
  /** Bytes, for the few routes whose bodies may be larger than the app's 64 KB (a batch import). */
  bodyLimit?: number;
  /** Status → description, for the OpenAPI document; the first is the success status. */
  responses: Record<number, string>;
  handler(request: ApiRequest<B> & GuardedBy<G>): Promise<unknown>;
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
  /** Every security scheme a route's guards name, in the order first seen. */
  private readonly schemes: Record<string, Record<string, unknown>> = {};

  constructor(
    private readonly app: FastifyInstance,
    private readonly deps: Deps,
  ) {}

  add<B, const G extends readonly Guard[]>(route: ApiRoute<B, G>): void {
    this.routes.push(route as unknown as ApiRoute<unknown>);
    for (const guard of route.guards) Object.assign(this.schemes, guard.security.schemes);
    const success = Number(Object.keys(route.responses)[0] ?? 200);
    this.app.route({
      method: route.method,
      url: route.path,
      bodyLimit: route.bodyLimit,
      handler: async (request, reply) => {
        // Forms can only GET or POST, so DELETE needs no body and no content-type check.
        if (route.method === 'POST' || route.method === 'PATCH') requireJson(request);
        // Who is asking comes first: a caller without a session or key learns nothing, not even which ids are well formed.
        const given = await resolveGuards(route.guards, request, this.deps);
        const params = request.params as Record<string, string>;
        if (Object.values(params).some((value) => !isOpaqueId(value))) throw errors.notFound();
        const body = route.body ? parseBody(route.body, request.body) : (undefined as B);
        const result = await route.handler({
          ...given,
          request,
          reply,
          body,
          params,
          query: request.query as Record<string, string>,
          info: requestInfo(request),
        } as ApiRequest<B> & GuardedBy<G>);
        reply.header('cache-control', 'no-store');
        if (result === undefined) return reply.code(204).send();
        if (result instanceof ApiAnswer) return reply.code(result.status).send(result.body);
        return reply.code(success).send(result);
      },
    });
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
        security: securityOf(route.guards),
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
        securitySchemes: this.schemes,
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
