import { describe, expect, it } from 'vitest';
import { accountKey, sourceKey } from '../../src/platform/throttle.js';

describe('sourceKey', () => {
  it('keys an IPv4 address by the whole address', () => {
    expect(sourceKey('password', '203.0.113.5')).toBe('password:ip:203.0.113.5');
    expect(sourceKey('password', '203.0.113.6')).not.toBe(sourceKey('password', '203.0.113.5'));
  });

  it('keys an IPv6 address by its /64', () => {
    expect(sourceKey('password', '2001:db8:1:2::1')).toBe('password:ip6:2001:db8:1:2::/64');
    expect(sourceKey('password', '2001:db8:1:2:aaaa:bbbb:cccc:dddd')).toBe('password:ip6:2001:db8:1:2::/64');
    expect(sourceKey('password', '2001:db8:1:3::1')).not.toBe(sourceKey('password', '2001:db8:1:2::1'));
  });

  it('treats every spelling of the same /64 alike (case, leading zeros, :: compression)', () => {
    const key = sourceKey('password', '2001:db8:0:0::1');
    for (const spelling of ['2001:DB8::1', '2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::ffff:1', '2001:db8:0::abcd']) {
      expect(sourceKey('password', spelling), spelling).toBe(key);
    }
  });

  it('treats an IPv4-mapped IPv6 address as the IPv4 address it carries', () => {
    expect(sourceKey('password', '::ffff:203.0.113.5')).toBe(sourceKey('password', '203.0.113.5'));
    expect(sourceKey('password', '::ffff:203.0.113.6')).not.toBe(sourceKey('password', '::ffff:203.0.113.5'));
  });

  it('treats an upper-case IPv4-mapped address as the IPv4 address it carries, not as the /64 of ::', () => {
    expect(sourceKey('password', '::FFFF:203.0.113.5')).toBe(sourceKey('password', '203.0.113.5'));
  });

  it('keeps scopes apart', () => {
    expect(sourceKey('signup', '203.0.113.5')).not.toBe(sourceKey('password', '203.0.113.5'));
    expect(accountKey('password', 'abc')).toBe('password:account:abc');
  });
});
