import type { Kysely } from 'kysely';
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../config.js';
import type { Clock } from './clock.js';
import type { Random } from './random.js';
import type { Database } from './db/schema.js';
import type { Engine } from './db/connect.js';

/**
 * What every feature's domain functions receive: explicit dependencies, no globals. Built once in app.ts.
 */
export interface Deps {
  config: Config;
  db: Kysely<Database>;
  engine: Engine;
  clock: Clock;
  /** Where every code and token comes from: the CSPRNG, unless a test passes its own (random.ts). */
  random: Random;
  log: FastifyBaseLogger;
  /** Wakes the delivery worker after a transaction that wrote to the outbox has committed. */
  notifyOutbox(): void;
  /**
   * Set only inside inTransaction: runs `work` once the transaction has committed (never after a rollback), for a
   * sender that must see what the transaction wrote.
   */
  afterCommit?(work: () => void): void;
}

/** Who is asking, for the audit trail, session list and alerts. */
export interface RequestInfo {
  ip: string;
  userAgent: string;
  /**
   * The browser's device cookie, or a fresh one to set if this request signs in. A random token, not a
   * fingerprint; absent for callers that keep no cookies.
   */
  deviceToken?: string;
  /** The "remember this device" cookie, which lets this browser skip the second step for one account. */
  rememberToken?: string;
}
