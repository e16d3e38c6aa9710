import { describe, expect, it } from 'vitest';
import { actorLabel, auditQuery, EMPTY_AUDIT_FILTERS, targetLabel } from './audit-query.ts';

const NOW = 1_800_000_000_000;

describe('audit query', () => {
  it('sends only the filters that are set, trimmed, with the range start', () => {
    expect(auditQuery(EMPTY_AUDIT_FILTERS, NOW).toString()).toBe(`limit=100&from=${NOW - 7 * 86_400_000}`);
    const query = auditQuery({ range: 'all', actor: ' ann ', action: 'user.', outcome: 'denied', text: '  203.0.113.9 ' }, NOW, 42);
    expect(Object.fromEntries(query)).toEqual({ limit: '100', actor: 'ann', action: 'user.', outcome: 'denied', text: '203.0.113.9', before: '42' });
  });

  it('ignores an unknown outcome and caps long text', () => {
    const query = auditQuery({ ...EMPTY_AUDIT_FILTERS, range: '24h', outcome: 'maybe', text: 'x'.repeat(1000) }, NOW);
    expect(query.has('outcome')).toBe(false);
    expect(query.get('text')).toHaveLength(256);
    expect(query.get('from')).toBe(String(NOW - 86_400_000));
  });

  it('labels actors and targets for people', () => {
    expect(actorLabel({ actorKind: 'session', actorName: 'ann' })).toBe('ann');
    expect(actorLabel({ actorKind: 'token', actorName: 'ci' })).toBe('ci (API token)');
    expect(actorLabel({ actorKind: 'anonymous', actorName: 'root' })).toBe('root (not signed in)');
    expect(actorLabel({ actorKind: 'anonymous', actorName: undefined })).toBe('anonymous');
    expect(actorLabel({ actorKind: 'system', actorName: undefined })).toBe('Vigil');
    expect(targetLabel({ targetType: 'user', targetId: 'u1' })).toBe('user u1');
    expect(targetLabel({ targetType: undefined, targetId: undefined })).toBe('');
  });
});
