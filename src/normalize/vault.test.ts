import { describe, expect, it } from 'vitest';
import { DEFAULT_INPUT_LIMITS } from '../core/limits.ts';
import { normalizeRecord } from './normalize-record.ts';

const norm = (doc: unknown) =>
  normalizeRecord({ source: 't', sourceType: 'auto', receivedAt: Date.UTC(2024, 0, 1), text: JSON.stringify(doc) }, DEFAULT_INPUT_LIMITS);

describe('vault', () => {
  it('maps a response with HMAC values kept as they are', () => {
    const ev = norm({
      time: '2023-06-01T12:00:00.123456789Z', type: 'response',
      auth: { client_token: 'hmac-sha256:abc', accessor: 'hmac-sha256:def', display_name: 'ldap-alice', policies: ['default', 'ops'], entity_id: 'ent1' },
      request: { id: 'req1', operation: 'read', mount_type: 'kv', path: 'secret/data/db', remote_address: '10.2.3.4', remote_port: 51000, client_token: 'hmac-sha256:abc' },
      response: { data: { password: 'hmac-sha256:0123' } },
    });
    expect(ev.sourceType).toBe('vault');
    expect(ev.timestamp).toBe(Date.parse('2023-06-01T12:00:00.123Z'));
    expect(ev.fields).toMatchObject({
      'event.action': 'read', 'event.type': ['access'], 'event.outcome': 'success', 'user.name': 'ldap-alice', 'user.roles': ['default', 'ops'],
      'source.ip': '10.2.3.4', 'source.port': 51000, 'url.path': 'secret/data/db', 'vault.response.data.password': 'hmac-sha256:0123',
      'vault.auth.client_token': 'hmac-sha256:abc',
    });
  });

  it('marks errors as failures and leaves plain requests without outcome', () => {
    const denied = norm({ time: '2023-06-01T12:00:00Z', type: 'request', error: 'permission denied', request: { operation: 'update', path: 'auth/userpass/login/bob' } });
    expect(denied.fields).toMatchObject({ 'event.outcome': 'failure', 'error.message': 'permission denied', 'event.category': ['authentication'] });
    const req = norm({ time: '2023-06-01T12:00:00Z', type: 'request', request: { operation: 'delete', path: 'sys/policy/x' } });
    expect(req.fields['event.outcome']).toBeUndefined();
    expect(req.fields['event.category']).toEqual(['configuration']);
  });

  it('tolerates wrong types', () => {
    const ev = norm({ time: 5e20, type: 'response', auth: null, request: { path: 7, remote_address: ['x'] } });
    expect(ev.sourceType).toBe('vault');
    expect(ev.parseError).toBeUndefined();
  });
});
