import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config.js';
import { AppError, errors } from '../platform/errors.js';
import type { Greeting, Guard } from '../platform/http/guard.js';
import { can, type Permission, type StaffRole } from './roles.js';
import { authenticateStaffToken } from './session-store.js';

/**
 * A signed-in staff member, for the support console's routes: `Authorization: Bearer <staff token>` or the staff
 * session cookie, checked against staff_sessions on every request (so a disabled member stops at once). A
 * customer's token is unknown there, and a staff token is unknown to the customer guards (sessions/store.ts):
 * the two kinds live in separate tables and separate cookies.
 */
export interface StaffMember {
  id: string;
  name: string;
  email: string;
  role: StaffRole;
  sessionId: string;
}

export const STAFF_COOKIE = '__Host-custos_staff';
export const STAFF_SIGNIN_PAGE = '/support/signin';

function readStaffToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header === 'string' && header.startsWith('Bearer ')) return header.slice(7).trim();
  return request.cookies[STAFF_COOKIE];
}

export const staffSignedIn: Guard<{ staff: StaffMember } & Greeting> = {
  name: 'staff-signed-in',
  security: {
    requirements: [{ staffSession: [] }, { bearer: [] }],
    schemes: { staffSession: { type: 'apiKey', in: 'cookie', name: STAFF_COOKIE }, bearer: { type: 'http', scheme: 'bearer' } },
  },
  async resolve(request, deps) {
    const token = readStaffToken(request);
    const session = token ? await authenticateStaffToken(deps, token) : null;
    if (!session) throw errors.unauthenticated();
    return { staff: { id: session.staffId, name: session.name, email: session.email, role: session.role, sessionId: session.sessionId }, displayName: session.name };
  },
  redirect: () => STAFF_SIGNIN_PAGE,
};

export function requirePermission(staff: StaffMember, permission: Permission): void {
  if (!can(staff.role, permission)) throw new AppError(403, 'support.forbidden', 'Your role does not allow this.');
}

/** The staff cookie: `__Host-`, HttpOnly, Secure, SameSite=Strict (the console is never entered from another site). */
export function setStaffCookie(reply: FastifyReply, config: Config, token: string, expiresAt: number): void {
  reply.setCookie(STAFF_COOKIE, token, { path: '/', httpOnly: true, secure: config.secureCookies, sameSite: 'strict', expires: new Date(expiresAt) });
}

export function clearStaffCookie(reply: FastifyReply, config: Config): void {
  reply.clearCookie(STAFF_COOKIE, { path: '/', httpOnly: true, secure: config.secureCookies, sameSite: 'strict' });
}
