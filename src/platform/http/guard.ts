import type { FastifyRequest } from 'fastify';
import type { Deps } from '../context.js';
import type { AppError } from '../errors.js';

/**
 * A check a request passes before its route runs (signed in, a recent password confirmation, a store key), as an
 * object a feature exports and a route names where it is declared. The JSON API and the pages use the same
 * guards: the API answers a refusal with its error, a page sends the browser where `redirect` says.
 */
export interface Guard<Gives extends object = object> {
  name: string;
  /** How the OpenAPI document describes what the guard asks for. */
  security: OpenApiSecurity;
  /** What the route receives (its fields are added to the request or page), or an AppError (401/403) refusing it. */
  resolve(request: FastifyRequest, deps: Deps): Promise<Gives>;
  /**
   * Where a page sends a browser this guard refused; without it, the page answers the error like the API. The
   * refused request is at hand so the browser can be brought back to it afterwards.
   */
  redirect?(refusal: AppError, request: FastifyRequest): string;
}

export interface OpenApiSecurity {
  /** Alternatives, any one of which lets the caller in: `[{ session: [] }, { bearer: [] }]`. */
  requirements: Record<string, string[]>[];
  /** The security schemes the requirements name, for `components.securitySchemes`. */
  schemes: Record<string, Record<string, unknown>>;
}

/** Pages greet whoever the guard found by this name in the header; a guard that found nobody leaves it out. */
export interface Greeting {
  displayName?: string;
}

/** What a list of guards hands its route: every guard's fields together. */
export type GuardedBy<G extends readonly Guard[]> = UnionToIntersection<GivenBy<G[number]>>;

type GivenBy<G> = G extends Guard<infer Gives> ? Gives : never;
type UnionToIntersection<U> = [U] extends [never] ? unknown : (U extends unknown ? (value: U) => void : never) extends (value: infer I) => void ? I : never;

/** Runs the guards in order; the first refusal stops the request. */
export async function resolveGuards(guards: readonly Guard[], request: FastifyRequest, deps: Deps): Promise<Record<string, unknown>> {
  const given: Record<string, unknown> = {};
  for (const guard of guards) Object.assign(given, await guard.resolve(request, deps));
  return given;
}

/** The OpenAPI `security` of a route: each guard's alternatives, all of them required together. */
export function securityOf(guards: readonly Guard[]): Record<string, string[]>[] {
  return guards.reduce<Record<string, string[]>[]>(
    (combined, guard) => combined.flatMap((sofar) => guard.security.requirements.map((requirement) => ({ ...sofar, ...requirement }))),
    guards.length ? [{}] : [],
  );
}
