import { describe, expect, it } from 'vitest';
import { DEFAULT_INPUT_LIMITS } from '../core/limits.ts';
import { normalizeRecord } from './normalize-record.ts';

const norm = (doc: unknown) =>
  normalizeRecord({ source: 't', sourceType: 'auto', receivedAt: Date.UTC(2024, 0, 1), text: JSON.stringify(doc) }, DEFAULT_INPUT_LIMITS);

describe('okta', () => {
  it('maps a failed sign-in with client and targets', () => {
    const ev = norm({
      uuid: 'f1', published: '2023-05-02T08:00:01.123Z', eventType: 'user.session.start', version: '0', severity: 'WARN',
      displayMessage: 'User login to Okta', actor: { id: '00u1', type: 'User', alternateId: 'alice@example.com', displayName: 'Alice' },
      client: { ipAddress: '198.51.100.4', userAgent: { rawUserAgent: 'curl/8' }, geographicalContext: { city: 'Berlin', country: 'Germany' } },
      outcome: { result: 'FAILURE', reason: 'INVALID_CREDENTIALS' },
      target: [{ id: '00u2', type: 'User', alternateId: 'bob@example.com', displayName: 'Bob' }, { id: 'g1', type: 'UserGroup', displayName: 'Admins' }],
    });
    expect(ev.sourceType).toBe('okta');
    expect(ev.fields).toMatchObject({
      'event.action': 'user.session.start', 'event.outcome': 'failure', 'event.reason': 'INVALID_CREDENTIALS', 'event.category': ['authentication'],
      'user.name': 'alice@example.com', 'source.ip': '198.51.100.4', 'source.geo.city_name': 'Berlin', 'user_agent.original': 'curl/8',
      'user.target.name': 'bob@example.com', 'group.name': 'Admins', 'log.level': 'warn', message: 'User login to Okta',
      'okta.outcome.result': 'FAILURE', 'okta.actor.alternateId': 'alice@example.com', 'related.user': ['alice@example.com', 'bob@example.com'],
    });
    expect(typeof ev.fields['okta.target']).toBe('string'); // array of objects kept as JSON text
  });

  it('tolerates missing and mistyped parts', () => {
    const ev = norm({ uuid: 1, eventType: 'policy.lifecycle.update', actor: {}, client: { ipAddress: 'not-an-ip' }, outcome: 'x', target: 'y', published: 'yesterday' });
    expect(ev.sourceType).toBe('okta');
    expect(ev.parseError).toBeUndefined();
    expect(ev.timestamp).toBe(Date.UTC(2024, 0, 1));
    expect(ev.fields['source.ip']).toBeUndefined();
    expect(ev.fields['event.category']).toEqual(['configuration']);
  });
});
