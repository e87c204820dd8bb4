import { errors } from '../errors.js';

/**
 * One value of a query-string parameter. Fastify turns a repeated parameter (?a=1&a=2) into a list; that is a
 * broken link or a probe, not a list, so it is refused with a 400 naming the parameter, like a value longer
 * than anything real (a megabyte in a URL is never normalised or searched). Absent is undefined; empty is
 * absent too (a GET form's "All" choice sends ?status=), unless `keepEmpty` asks for '' — an API for programs
 * may rather refuse ?status= as a bad status than silently read it as the default.
 */
export interface QueryValueOptions {
  maxLength?: number;
  keepEmpty?: boolean;
}

export function singleQueryValue(query: unknown, name: string, options: QueryValueOptions = {}): string | undefined {
  const maxLength = options.maxLength ?? 1000;
  const value = typeof query === 'object' && query !== null ? (query as Record<string, unknown>)[name] : undefined;
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length > maxLength) {
    throw errors.invalidInput({ [name]: `Send ${name} once, as text of at most ${maxLength} characters.` });
  }
  return value === '' && !options.keepEmpty ? undefined : value;
}

/**
 * The lenient reading pages use: anything that is not one string of at most `maxLength` characters (a list, a
 * megabyte) counts as absent, so a mangled link shows the page's ordinary "not found / start again" state.
 */
export function optionalQueryValue(query: unknown, name: string, maxLength = 200): string | undefined {
  const value = typeof query === 'object' && query !== null ? (query as Record<string, unknown>)[name] : undefined;
  return typeof value === 'string' && value.length <= maxLength ? value : undefined;
}
