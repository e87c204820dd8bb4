import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Charge } from './custos-api.js';

/**
 * The shop's own visitor sessions, kept IN MEMORY: enough for a demo that runs as one process and may forget
 * everyone on restart. A real shop keeps them in its database (and the orders with them).
 *
 * Each session carries a CSRF token for the shop's forms (synchronizer-token pattern) and, while a sign-in or a
 * payment is under way, the values that bind the answer to this browser: the OpenID Connect state, nonce and PKCE
 * verifier (fresh for every sign-in), and the ids of the checkout sessions this browser started.
 */
export interface SignedInCustomer {
  sub: string;
  name?: string;
  email?: string;
  phone?: string;
  address?: string;
}

export interface PendingSignIn {
  state: string;
  nonce: string;
  codeVerifier: string;
}

export interface ShopOrder {
  checkoutSessionId: string;
  /** As Custos last answered it (after the charge, then after each refund): `refunded` is its count, not ours. */
  charge: Charge;
}

export interface ShopSession {
  csrf: string;
  lastSeen: number;
  customer?: SignedInCustomer;
  pendingSignIn?: PendingSignIn;
  /** Checkout sessions this browser started and has not yet come back from. */
  pendingCheckouts: Set<string>;
  /** By charge id: only the browser that paid sees its order here. */
  orders: Map<string, ShopOrder>;
}

export const SESSION_COOKIE = 'northwind_session';
const IDLE_LIMIT_MS = 2 * 60 * 60 * 1000;
/** A visitor without cookies makes a session per page view: cap them, so a crawler cannot fill the memory. */
const MAX_SESSIONS = 10_000;

export class ShopSessions {
  private readonly sessions = new Map<string, ShopSession>();

  constructor(private readonly now: () => number) {}

  /** The session for this cookie value, or a new one (with a new id) when it is absent, unknown or idle too long. */
  open(cookie: string | undefined): { id: string; session: ShopSession } {
    const found = cookie ? this.sessions.get(cookie) : undefined;
    if (cookie && found && this.now() - found.lastSeen <= IDLE_LIMIT_MS) {
      found.lastSeen = this.now();
      return { id: cookie, session: found };
    }
    if (cookie) this.sessions.delete(cookie);
    const session: ShopSession = { csrf: token(), lastSeen: this.now(), pendingCheckouts: new Set(), orders: new Map() };
    return { id: this.store(session), session };
  }

  /** A new id for the same session once someone signs in, so an id planted before sign-in is worth nothing after (session fixation). */
  rotate(oldId: string): string {
    const session = this.sessions.get(oldId);
    if (!session) throw new Error('rotate: no such session');
    this.sessions.delete(oldId);
    session.csrf = token();
    return this.store(session);
  }

  private store(session: ShopSession): string {
    if (this.sessions.size >= MAX_SESSIONS) {
      // Maps iterate in insertion order: the oldest session goes first.
      const oldest = this.sessions.keys().next().value;
      if (oldest !== undefined) this.sessions.delete(oldest);
    }
    const id = token();
    this.sessions.set(id, session);
    return id;
  }
}

/** True when a form carried this session's CSRF token; compared in constant time. */
export function csrfMatches(session: ShopSession, presented: unknown): boolean {
  if (typeof presented !== 'string') return false;
  const expected = Buffer.from(session.csrf);
  const given = Buffer.from(presented);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function token(): string {
  return randomBytes(32).toString('base64url');
}
