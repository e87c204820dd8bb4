import type { FastifyRequest } from 'fastify';
import type { RequestInfo } from '../context.js';

/** The caller's address comes from Fastify, which honours X-Forwarded-For only when TRUST_PROXY is set. */
export function requestInfo(request: FastifyRequest): RequestInfo {
  const userAgent = request.headers['user-agent'];
  return { ip: request.ip, userAgent: typeof userAgent === 'string' ? userAgent.slice(0, 512) : '' };
}
