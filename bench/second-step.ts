import autocannon from 'autocannon';
import { loadConfig } from '../src/config.js';
import { newId, sha256 } from '../src/platform/crypto.js';
import type { Db } from '../src/platform/db/connect.js';
import { sealSecret } from '../src/platform/secret-box.js';
import { matchTotpStep, newTotpKey, totpCodeAt } from '../src/methods/totp/totp.js';
import { bulkInsert } from '../src/cli/bulk-insert.js';
import type { LoadResult } from './load.js';

/**
 * The second step of sign-in (TOTP) under load. A code is accepted once per account and time step, so each
 * request uses its own account: `count` accounts with an authenticator, each with a sign-in flow already
 * waiting at `second_factor`, on a device they know (no new-device alert). Keys are sealed with the same
 * secret the server uses (the development default when SECRET is unset).
 */
export interface SecondStepFixture {
  pairs: Array<{ flowId: string; key: string }>;
}

export async function prepareSecondStep(db: Db, count: number, deviceCookie: string): Promise<SecondStepFixture> {
  const keys = loadConfig().keys;
  const now = Date.now();
  const pairs: SecondStepFixture['pairs'] = [];
  const accounts: unknown[][] = [];
  const identifiers: unknown[][] = [];
  const factors: unknown[][] = [];
  const devices: unknown[][] = [];
  const flows: unknown[][] = [];
  for (let i = 0; i < count; i++) {
    const accountId = newId();
    const flowId = newId();
    const key = newTotpKey();
    const email = `second-step-${i}@example.test`;
    accounts.push([accountId, `Second Step ${i}`, 'active', null, now, now, now]);
    identifiers.push([newId(), accountId, 'email', email, email, 1, now, now]);
    factors.push([newId(), accountId, 'totp', 'Authenticator app', sealSecret(keys, 'totp', key), now, now]);
    devices.push([newId(), accountId, sha256(deviceCookie), 'bench', now, now]);
    flows.push([flowId, 'signin', 'second_factor', accountId, '{}', '["password"]', now, now + 3_600_000]);
    pairs.push({ flowId, key });
  }
  await bulkInsert(db, 'accounts', [['id', 'text'], ['name', 'text'], ['status', 'text'], ['password_hash', 'text'], ['password_changed_at', 'bigint'], ['created_at', 'bigint'], ['updated_at', 'bigint']], accounts);
  await bulkInsert(db, 'identifiers', [['id', 'text'], ['account_id', 'text'], ['kind', 'text'], ['value', 'text'], ['normalized', 'text'], ['is_primary', 'integer'], ['verified_at', 'bigint'], ['created_at', 'bigint']], identifiers);
  await bulkInsert(db, 'factors', [['id', 'text'], ['account_id', 'text'], ['kind', 'text'], ['label', 'text'], ['secret_sealed', 'text'], ['confirmed_at', 'bigint'], ['created_at', 'bigint']], factors);
  await bulkInsert(db, 'known_devices', [['id', 'text'], ['account_id', 'text'], ['device_hash', 'text'], ['device', 'text'], ['created_at', 'bigint'], ['last_seen_at', 'bigint']], devices);
  await bulkInsert(db, 'flows', [['id', 'text'], ['kind', 'text'], ['state', 'text'], ['account_id', 'text'], ['data', 'text'], ['factors_passed', 'text'], ['created_at', 'bigint'], ['expires_at', 'bigint']], flows);
  return { pairs };
}

/** Completed second steps per second through HTTP; each request takes the next waiting flow. */
export async function loadSecondStep(url: string, fixture: SecondStepFixture, options: { connections: number; seconds: number; deviceCookie: string }): Promise<LoadResult> {
  let next = 0;
  let completed = 0;
  let failed = 0;
  const headers = { 'content-type': 'application/json', cookie: `__Host-custos_device=${options.deviceCookie}` };
  const result = await autocannon({
    url,
    connections: options.connections,
    duration: options.seconds,
    requests: [
      {
        method: 'POST',
        headers,
        setupRequest: (request) => {
          const pair = fixture.pairs[next++ % fixture.pairs.length]!;
          return { ...request, path: `/api/v1/signin/flows/${pair.flowId}/second-factor`, body: JSON.stringify({ method: 'totp', code: totpCodeAt(pair.key, Date.now()) }) };
        },
        onResponse: (status: number) => {
          if (status === 201) completed++;
          else failed++;
        },
      },
    ],
  } as autocannon.Options);
  return { perSecond: completed / options.seconds, p50: result.latency.p50, p99: result.latency.p99, errors: failed + result.errors + result.timeouts };
}

/** The bare code check: computing and matching a TOTP code against a key, as fast as one core allows. */
export function bareTotpChecksPerSecond(seconds: number): number {
  const key = newTotpKey();
  const deadline = performance.now() + seconds * 1000;
  let done = 0;
  const started = performance.now();
  while (performance.now() < deadline) {
    const now = Date.now();
    matchTotpStep(key, totpCodeAt(key, now), now);
    done++;
  }
  return done / ((performance.now() - started) / 1000);
}
