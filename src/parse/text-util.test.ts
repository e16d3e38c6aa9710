import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeHex, isIp, isIpv4, isIpv6, parseLooseTime } from './text-util.ts';

describe('IP checks', () => {
  it('accepts valid and rejects invalid IPv4', () => {
    for (const ip of ['0.0.0.0', '10.0.0.1', '255.255.255.255', '192.168.1.10']) expect(isIpv4(ip)).toBe(true);
    for (const ip of ['256.1.1.1', '1.2.3', '1.2.3.4.5', '01.2.3.4', 'a.b.c.d', '1..2.3', '1.2.3.4 ']) expect(isIpv4(ip)).toBe(false);
  });

  it('accepts valid and rejects invalid IPv6', () => {
    for (const ip of ['::1', '::', '2001:db8::7', 'fe80::1%eth0', '2001:0db8:0000:0000:0000:ff00:0042:8329', '::ffff:192.0.2.1']) expect(isIpv6(ip)).toBe(true);
    for (const ip of ['1:2:3', ':1:2::', '2001:db8::1::2', 'g::1', '12345::1', 'fe80::1%', 'host:22']) expect(isIpv6(ip)).toBe(false);
  });

  it('agrees with a reference implementation on generated IPv4 addresses', () => {
    fc.assert(fc.property(fc.ipV4(), (ip) => isIp(ip)));
    fc.assert(fc.property(fc.ipV6(), (ip) => isIp(ip)));
  });
});

describe('decodeHex', () => {
  it('decodes UTF-8 and falls back to Latin-1 for invalid sequences', () => {
    expect(decodeHex('68C3A9')).toBe('hé');
    expect(decodeHex('FF41')).toBe('\u00ffA');
    expect(decodeHex('ABC')).toBeUndefined();
    expect(decodeHex('ZZ')).toBeUndefined();
  });
});

describe('parseLooseTime', () => {
  const received = Date.UTC(2024, 5, 15);
  it('reads epoch, ISO and device formats', () => {
    expect(parseLooseTime('1718409600000', received)).toBe(Date.UTC(2024, 5, 15));
    expect(parseLooseTime('1718409600', received)).toBe(Date.UTC(2024, 5, 15));
    expect(parseLooseTime('2024-06-15T01:02:03+02:00', received)).toBe(Date.UTC(2024, 5, 14, 23, 2, 3));
    expect(parseLooseTime('2024-06-15 01:02:03', received)).toBe(Date.UTC(2024, 5, 15, 1, 2, 3));
    expect(parseLooseTime('Jun 15 2024 10:11:12', received)).toBe(Date.UTC(2024, 5, 15, 10, 11, 12));
    expect(parseLooseTime('Jun 15 2024 10:11:12.345 +0100', received)).toBe(Date.UTC(2024, 5, 15, 9, 11, 12, 345));
    expect(parseLooseTime('Jun  5 10:11:12', received)).toBe(Date.UTC(2024, 5, 5, 10, 11, 12));
  });

  it('returns undefined for text that is no time', () => {
    for (const s of ['', 'yesterday', 'Jun 99 2024 10:11:12', '2024-99-99', 'Jun 15 2024 25:00:00']) expect(parseLooseTime(s, received)).toBeUndefined();
  });
});
