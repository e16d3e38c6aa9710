import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { int, ip, isIp, parseTime, putPath } from './json-fields.ts';
import type { EventFields } from '../core/event.ts';

describe('parseTime', () => {
  it('reads epoch seconds, millis, micros and nanos by magnitude', () => {
    expect(parseTime(1_700_000_000)).toBe('2023-11-14T22:13:20.000Z');
    expect(parseTime(1_700_000_000_123)).toBe('2023-11-14T22:13:20.123Z');
    expect(parseTime(1_700_000_000_123_456)).toBe('2023-11-14T22:13:20.123Z');
    expect(parseTime('1700000000123456789')).toBe('2023-11-14T22:13:20.123Z');
  });

  it('reads ISO 8601 with and without zone, and named-zone text', () => {
    expect(parseTime('2020-10-23T02:36:43.547Z')).toBe('2020-10-23T02:36:43.547Z');
    expect(parseTime('2020-10-23 06:36:43.542')).toBe('2020-10-23T06:36:43.542Z');
    expect(parseTime('2021-04-27T04:08:11.6223456Z')).toBe('2021-04-27T04:08:11.622Z');
    expect(parseTime('2023-08-01T10:00:00.123456+0200')).toBe('2023-08-01T08:00:00.123Z');
    expect(parseTime('Tue, 14 Nov 2023 22:13:20 GMT')).toBe('2023-11-14T22:13:20.000Z');
  });

  it('refuses absurd and ambiguous times', () => {
    for (const bad of [-1, 1e30, Number.NaN, '9999-12-31T00:00:00Z', '2023-02-30T00:00:00Z', '2023-13-01T00:00:00Z',
      '1969-12-31T23:59:59Z', 'Tue Nov 14 2023 22:13:20', '', 'x'.repeat(100), true, null, {}]) {
      expect(parseTime(bad)).toBeUndefined();
    }
  });

  it('returns canonical ISO or undefined for any input, without throwing', () => {
    fc.assert(fc.property(fc.oneof(fc.string(), fc.double(), fc.integer(), fc.date({ noInvalidDate: true }).map((d) => d.toISOString())), (v) => {
      const t = parseTime(v);
      if (t !== undefined) expect(new Date(t).toISOString()).toBe(t);
    }), { numRuns: 2000 });
  });
});

describe('addresses and numbers', () => {
  it('validates IPv4 and IPv6 and strips the IPv4-mapped prefix', () => {
    for (const good of ['10.0.0.1', '255.255.255.255', '::1', '2001:db8::1', 'fe80::1%eth0', '::ffff:10.1.2.3']) expect(isIp(good)).toBe(true);
    for (const bad of ['256.1.1.1', '1.2.3', 'a.b.c.d', '1:2:3:4:5:6:7:8:9:0', '2001:db8:::1', 'host', '-', '12345::']) expect(isIp(bad)).toBe(false);
    expect(ip('::ffff:10.1.2.3')).toBe('10.1.2.3');
  });

  it('parses decimal and hex integers strictly', () => {
    expect(int('0x1f4')).toBe(500);
    expect(int('42')).toBe(42);
    expect(int('4x')).toBeUndefined();
    expect(int('1e3')).toBeUndefined();
    expect(int(1.5)).toBeUndefined();
  });

  it('splits paths into ECS file fields', () => {
    const out: EventFields = {};
    putPath(out, 'file', 'C:\\Users\\a\\evil.PS1');
    expect(out).toEqual({ 'file.path': 'C:\\Users\\a\\evil.PS1', 'file.name': 'evil.PS1', 'file.directory': 'C:\\Users\\a', 'file.extension': 'ps1' });
  });
});
