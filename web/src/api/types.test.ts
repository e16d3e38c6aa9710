import { describe, expect, it } from 'vitest';
import { ApiError } from './errors.ts';
import { decodeCreatedSource, decodeEvents, decodeSources, decodeStatus, decodeUser } from './types.ts';

const source = {
  id: '6f1c', name: 'fw', kind: 'syslog', sourceType: 'syslog', createdAt: 1, hasToken: false,
  stats: { eventsTotal: 10, parseErrorsTotal: 1, lastEventAt: 5, eventsPerSecond: 0.5, perMinute: [1, 2], minuteEnd: 60_000 },
  recentErrors: [{ at: 4, reason: 'bad', sample: '<x>' }],
};

describe('API decoders', () => {
  it('decode well-formed answers', () => {
    expect(decodeUser({ user: { id: 'u', username: 'admin', role: 'admin', mustChangePassword: true } }).mustChangePassword).toBe(true);
    expect(decodeUser({ user: { id: 'u', username: 'v', role: 'viewer', permissions: ['events:read'] } }).permissions).toEqual(['events:read']);
    expect(decodeUser({ user: { id: 'u', username: 'v', role: 'viewer' } }).permissions).toEqual([]);
    const [s] = decodeSources({ sources: [source] });
    expect(s?.stats.perMinute).toEqual([1, 2]);
    expect(s?.revokedAt).toBeUndefined();
    expect(s?.recentErrors[0]?.sample).toBe('<x>');
    expect(decodeCreatedSource({ source: { id: 'a', name: 'n', kind: 'http', sourceType: 'auto', createdAt: 2 }, token: 't' }).token).toBe('t');
    const [e] = decodeEvents({ events: [{ seq: 7, timestamp: 1, receivedAt: 2, source: 's', sourceType: 'raw', fields: { a: 1 }, original: 'o', parseError: 'p' }] });
    expect(e).toMatchObject({ seq: '7', parseError: 'p', fields: { a: 1 } });
  });

  it('accept the status backlog under either name', () => {
    const base = { version: '1', uptimeSeconds: 3, events: { total: 1, bytes: 2 } };
    expect(decodeStatus({ ...base, pipeline: { pendingRecords: 4, saturated: false, eventsPerSecond: 1 } }).pipeline.pendingEvents).toBe(4);
    expect(decodeStatus({ ...base, pipeline: { pendingEvents: 5, saturated: true, eventsPerSecond: 1 } }).pipeline.pendingEvents).toBe(5);
  });

  it('reject malformed answers with a message naming the field', () => {
    const bad = { sources: [{ ...source, stats: { ...source.stats, perMinute: 'x' } }] };
    expect(() => decodeSources(bad)).toThrow(ApiError);
    expect(() => decodeSources(bad)).toThrow(/sources\[0\]\.stats\.perMinute/);
    expect(() => decodeSources('<html>')).toThrow(/answer should be an object/);
    expect(() => decodeUser({ user: { id: 'u', username: 'a', role: 'r', mustChangePassword: 'yes' } })).toThrow(/mustChangePassword/);
    expect(() => decodeEvents({ events: [{ seq: 1 }] })).toThrow(/events\[0\]\.timestamp/);
    expect(() => decodeUser({ user: { id: 'u', username: 'a', role: 'r', permissions: 'all' } })).toThrow(/user\.permissions/);
  });
});
