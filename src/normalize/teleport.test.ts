import { describe, expect, it } from 'vitest';
import { DEFAULT_INPUT_LIMITS } from '../core/limits.ts';
import { normalizeRecord } from './normalize-record.ts';
import { splitHostPort } from './teleport.ts';

const norm = (doc: unknown) =>
  normalizeRecord({ source: 't', sourceType: 'auto', receivedAt: Date.UTC(2024, 0, 1), text: JSON.stringify(doc) }, DEFAULT_INPUT_LIMITS);

describe('teleport', () => {
  it('maps a failed login with its remote address', () => {
    const ev = norm({ ei: 0, event: 'user.login', uid: 'u1', code: 'T1000W', time: '2023-07-01T09:00:00.5Z', user: 'alice', method: 'local',
      success: false, error: 'invalid credentials', 'addr.remote': '203.0.113.5:61234', user_agent: 'tsh/13' });
    expect(ev.sourceType).toBe('teleport');
    expect(ev.fields).toMatchObject({ 'event.action': 'user.login', 'event.code': 'T1000W', 'event.outcome': 'failure',
      'event.category': ['authentication'], 'user.name': 'alice', 'source.ip': '203.0.113.5', 'source.port': 61234,
      'teleport.addr.remote': '203.0.113.5:61234', 'error.message': 'invalid credentials' });
  });

  it('maps a session start to the server and OS login', () => {
    const f = norm({ ei: 0, event: 'session.start', uid: 'u2', code: 'T2000I', time: '2023-07-01T09:01:00Z', user: 'alice', login: 'root',
      server_hostname: 'db-1', server_id: 'sid', 'addr.remote': '[2001:db8::1]:4000', 'addr.local': '10.0.0.5:3022', sid: 's1' }).fields;
    expect(f).toMatchObject({ 'host.name': 'db-1', 'user.effective.name': 'root', 'source.ip': '2001:db8::1', 'source.port': 4000,
      'destination.ip': '10.0.0.5', 'event.outcome': 'success', 'related.user': ['alice', 'root'] });
  });

  it('splits host and port defensively', () => {
    expect(splitHostPort('1.2.3.4:80')).toEqual({ host: '1.2.3.4', port: 80 });
    expect(splitHostPort('[::1]:99999')).toEqual({ host: '::1', port: undefined });
    expect(splitHostPort('::1')).toEqual({ host: '::1' });
  });
});
