import type { FastifyRequest } from 'fastify';
import type { Deps } from '../platform/context.js';
import { AppError, errors } from '../platform/errors.js';
import { constantTimeEqual, hmac, isOpaqueId } from '../platform/crypto.js';
import type { Greeting, Guard } from '../platform/http/guard.js';
import { can, type Permission, type StaffRole } from './roles.js';

/**
 * A signed-in member of staff. Stand-in: the token is `stf_<staff id>.<HMAC of the id>`, checked against an
 * active row of `staff` on every request; the staff capability replaces it with real staff sessions.
 */
export interface StaffMember {
  id: string;
  name: string;
  email: string;
  role: StaffRole;
  sessionId: string;
}

export const STAFF_COOKIE = '__Host-custos_staff';

export function staffToken(secret: string, staffId: string): string {
  return `stf_${staffId}.${hmac(secret, 'staff-session', staffId)}`;
}

function readStaffToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header === 'string' && header.startsWith('Bearer ')) return header.slice(7).trim();
  return request.cookies[STAFF_COOKIE];
}

async function currentStaff(request: FastifyRequest, deps: Deps): Promise<StaffMember | null> {
  const token = readStaffToken(request);
  const match = token?.match(/^stf_([\w-]{1,64})\.([\w-]{1,100})$/);
  if (!match || !isOpaqueId(match[1])) return null;
  const staffId = match[1];
  if (!constantTimeEqual(token!, staffToken(deps.config.secret, staffId))) return null;
  const row = await deps.db.selectFrom('staff').select(['id', 'name', 'email', 'role']).where('id', '=', staffId).where('status', '=', 'active').executeTakeFirst();
  return row ? { id: row.id, name: row.name, email: row.email, role: row.role as StaffRole, sessionId: row.id } : null;
}

export const staffSignedIn: Guard<{ staff: StaffMember } & Greeting> = {
  name: 'staff-signed-in',
  security: {
    requirements: [{ staffSession: [] }, { staffBearer: [] }],
    schemes: {
      staffSession: { type: 'apiKey', in: 'cookie', name: STAFF_COOKIE },
      staffBearer: { type: 'http', scheme: 'bearer' },
    },
  },
  async resolve(request, deps) {
    const staff = await currentStaff(request, deps);
    if (!staff) throw errors.unauthenticated();
    return { staff, displayName: staff.name };
  },
  redirect: () => '/support/signin',
};

export function requirePermission(staff: StaffMember, permission: Permission): void {
  if (!can(staff.role, permission)) throw new AppError(403, 'support.forbidden', 'Your role does not allow this.');
}
