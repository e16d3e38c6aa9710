import { describe, expect, it } from 'vitest';
import { DEFAULT_INPUT_LIMITS } from '../core/limits.ts';
import { normalizeRecord } from './normalize-record.ts';

const norm = (doc: unknown) =>
  normalizeRecord({ source: 't', sourceType: 'auto', receivedAt: Date.UTC(2024, 0, 1), text: JSON.stringify(doc) }, DEFAULT_INPUT_LIMITS);

describe('github', () => {
  it('maps an audit log entry with millisecond @timestamp', () => {
    const ev = norm({
      '@timestamp': 1_700_000_000_123, _document_id: 'doc1', action: 'org.add_member', actor: 'octocat', actor_id: 1,
      actor_ip: '192.0.2.10', actor_location: { country_code: 'US' }, org: 'acme', org_id: 99, user: 'newbie', user_agent: 'git/2.40',
    });
    expect(ev.sourceType).toBe('github');
    expect(ev.timestamp).toBe(1_700_000_000_123);
    expect(ev.fields).toMatchObject({
      'event.action': 'org.add_member', 'event.id': 'doc1', 'event.category': ['iam'], 'event.type': ['creation'],
      'user.name': 'octocat', 'user.id': '1', 'user.target.name': 'newbie', 'source.ip': '192.0.2.10',
      'source.geo.country_iso_code': 'US', 'organization.name': 'acme', 'github.action': 'org.add_member', 'github.actor_location.country_code': 'US',
    });
  });

  it('does not claim arbitrary objects with an action field', () => {
    expect(norm({ action: 'login', actor: 'x' }).sourceType).toBe('json');
  });

  it('survives an absurd timestamp', () => {
    const ev = norm({ '@timestamp': -5, _document_id: 'd', action: 'repo.destroy', repo: 'acme/x' });
    expect(ev.sourceType).toBe('github');
    expect(ev.timestamp).toBe(Date.UTC(2024, 0, 1));
    expect(ev.fields['event.type']).toEqual(['deletion']);
  });
});
