import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkWebhookSignature } from '../../src/demo-partner/webhook-signature.js';

/** The demo shop's own check of Custos-Signature, as an outside shop would write it: t=<unix>,v1=<hex HMAC(secret, t.body)>. */
const SECRET = 'whsec_demo-partner-test-secret';
const BODY = '{"id":"evt_1","type":"charge.succeeded","created":1767225600,"data":{"charge":"ch_1","amount":10300}}';
const NOW_MS = 1_767_225_600_000;
const T = NOW_MS / 1000;

function sign(secret: string, t: number, body: string): string {
  return createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
}

function check(header: string | undefined, overrides: { body?: string; now?: number; secret?: string } = {}) {
  return checkWebhookSignature({ secret: overrides.secret ?? SECRET, header, body: overrides.body ?? BODY, now: overrides.now ?? NOW_MS });
}

describe('the demo partner checks webhook signatures', () => {
  it('accepts the HMAC of t.body under the endpoint secret as printed (whsec_ prefix included)', () => {
    expect(check(`t=${T},v1=${sign(SECRET, T, BODY)}`)).toEqual({ ok: true, timestamp: T });
  });

  it('refuses a body changed by one byte, another secret, or a signature over another timestamp', () => {
    const good = sign(SECRET, T, BODY);
    expect(check(`t=${T},v1=${good}`, { body: BODY.replace('10300', '10301') })).toEqual({ ok: false, reason: 'signature mismatch' });
    expect(check(`t=${T},v1=${good}`, { secret: `${SECRET}x` })).toEqual({ ok: false, reason: 'signature mismatch' });
    // The timestamp is inside the MAC: moving t forward to slip into the window breaks the signature.
    expect(check(`t=${T + 1},v1=${good}`)).toEqual({ ok: false, reason: 'signature mismatch' });
  });

  it('replay window: 300 s either way is accepted, 301 s is refused even with a good signature', () => {
    for (const offset of [-300, 300]) expect(check(`t=${T + offset},v1=${sign(SECRET, T + offset, BODY)}`).ok).toBe(true);
    for (const offset of [-301, 301]) expect(check(`t=${T + offset},v1=${sign(SECRET, T + offset, BODY)}`)).toEqual({ ok: false, reason: 'outside the replay window' });
  });

  it('accepts any one of several v1 values (a secret being rotated) and ignores schemes it does not know', () => {
    const other = sign('whsec_old', T, BODY);
    expect(check(`t=${T},v1=${other},v1=${sign(SECRET, T, BODY)}`).ok).toBe(true);
    expect(check(`t=${T}, v2=abc, v1=${sign(SECRET, T, BODY)}`).ok).toBe(true);
  });

  it('refuses missing, malformed, duplicated and oversized headers without throwing', () => {
    const good = sign(SECRET, T, BODY);
    expect(check(undefined)).toEqual({ ok: false, reason: 'missing header' });
    for (const header of [
      '',
      `v1=${good}`,
      `t=${T}`,
      `t=${T},v1=${good.toUpperCase()}`,
      `t=${T},v1=${good.slice(2)}`,
      `t=${T},t=${T},v1=${good}`,
      `t=-${T},v1=${good}`,
      `t=1e9,v1=${good}`,
      `t=${T},v1=${good}=`,
      `t=${T},v1=${good},${'x'.repeat(2000)}`,
      `t=${T};v1=${good}`,
      `t=${T},v1=${good}\u0000`,
    ]) {
      expect(check(header), header.slice(0, 60)).toMatchObject({ ok: false });
    }
  });
});
