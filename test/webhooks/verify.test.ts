import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signatureHeader, verifyWebhookSignature, webhookSignature } from '../../src/webhooks/verify.js';

/**
 * SECURITY.md "Webhooks are signed (HMAC-SHA256 over timestamp and body), replay-windowed": the receiver's check,
 * tested directly as the README tells partners to use it.
 */
describe('verifyWebhookSignature', () => {
  const secret = 'whsec_8sVb0Jc0tJq3w9b7n2Qm1Zt5c4Xy6Lp0Hd3Fg7Ka9Ue';
  const body = '{"id":"evt_1","type":"case.opened","created":1790000000,"data":{"id":"c1"}}';
  const t = 1_790_000_000;
  const header = signatureHeader(secret, t, body);
  const verify = (overrides: Partial<Parameters<typeof verifyWebhookSignature>[0]> = {}) => verifyWebhookSignature({ secret, header, body, now: t, ...overrides });

  it('accepts what the service signs: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + "." + body)>', () => {
    expect(header).toMatch(/^t=1790000000,v1=[0-9a-f]{64}$/);
    // An independent computation of the documented formula.
    expect(header.split('v1=')[1]).toBe(createHmac('sha256', secret).update(`${t}.${body}`).digest('hex'));
    expect(verify()).toBe(true);
  });

  it('SECURITY.md webhooks are signed: a tampered body, another secret or a t changed after signing is rejected', () => {
    expect(verify({ body: body.replace('c1', 'c2') })).toBe(false);
    expect(verify({ body: `${body} ` })).toBe(false);
    expect(verify({ secret: `${secret}x` })).toBe(false);
    expect(verify({ header: header.replace(`t=${t}`, `t=${t + 1}`), now: t + 1 })).toBe(false);
  });

  it('SECURITY.md webhooks are replay-windowed: a replay older than 300 s, or a t more than 300 s ahead, is rejected; the edges pass', () => {
    expect(verify({ now: t + 300 })).toBe(true);
    expect(verify({ now: t + 301 })).toBe(false);
    expect(verify({ now: t + 3600 })).toBe(false);
    expect(verify({ now: t - 300 })).toBe(true);
    expect(verify({ now: t - 301 })).toBe(false);
    expect(verify({ now: t + 30, tolerance: 10 })).toBe(false);
  });

  it('rejects a missing, empty or garbled header without throwing', () => {
    const sig = webhookSignature(secret, t, body);
    for (const bad of [
      undefined, null, '', 'garbage', `v1=${sig}`, `t=${t}`, `t=,v1=${sig}`, `t=abc,v1=${sig}`, `t=${t},v1=${sig.toUpperCase()}`,
      `t=${t},v1=${sig.slice(0, 63)}`, `t=${t},v1=${sig}0`, `t=${t},t=${t},v1=${sig}`, `t=-${t},v1=${sig}`, `t=${t}.5,v1=${sig}`,
      `t=${t},v1=${sig}`.repeat(100), `t=${t},v1=${'\u0661'.repeat(64)}`, `t=\u0661\u0662,v1=${sig}`,
    ]) {
      expect(verify({ header: bad as string | undefined })).toBe(false);
    }
    expect(verify({ secret: '' })).toBe(false);
    expect(verify({ now: Number.NaN })).toBe(false);
  });

  it('accepts when any one of several v1 values matches, in any order, and tolerates spaces after commas', () => {
    const good = webhookSignature(secret, t, body);
    const other = webhookSignature('whsec_previous', t, body);
    expect(verify({ header: `t=${t},v1=${other},v1=${good}` })).toBe(true);
    expect(verify({ header: `v1=${good}, t=${t}, v1=${other}` })).toBe(true);
    expect(verify({ header: `t=${t},v1=${other},v1=${'0'.repeat(64)}` })).toBe(false);
    // Unknown schemes are ignored, as a receiver must when the service adds one.
    expect(verify({ header: `t=${t},v0=abc,v1=${good}` })).toBe(true);
  });
});
