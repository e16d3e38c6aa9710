import { describe, expect, it } from 'vitest';
import { checkTokenForm, tokenUsageExample } from './token-form.ts';

const own = ['events:read', 'sources:read', 'tokens:write'];

describe('new API token form', () => {
  it('accepts a named token with some of the owner\'s permissions and 1 to 365 days', () => {
    expect(checkTokenForm({ name: ' export ', permissions: ['events:read', 'events:read'], days: '90' }, own))
      .toEqual({ name: 'export', permissions: ['events:read'], expiresInDays: 90 });
    expect(checkTokenForm({ name: 'x', permissions: ['sources:read'], days: '365' }, own)).toMatchObject({ expiresInDays: 365 });
  });

  it('says what to fix', () => {
    expect(checkTokenForm({ name: '  ', permissions: ['events:read'], days: '90' }, own)).toMatch(/Name the token/);
    expect(checkTokenForm({ name: 'x', permissions: [], days: '90' }, own)).toMatch(/at least one permission/);
    expect(checkTokenForm({ name: 'x', permissions: ['users:write'], days: '90' }, own)).toMatch(/do not have: users:write/);
    for (const days of ['0', '366', '1.5', '', 'ten', '-3']) {
      expect(checkTokenForm({ name: 'x', permissions: ['events:read'], days }, own), days).toMatch(/1 to 365 days/);
    }
  });

  it('shows a curl example with the bearer token against the events API', () => {
    expect(tokenUsageExample('https://vigil.example', 'vgt_abc')).toBe('curl -H "Authorization: Bearer vgt_abc" "https://vigil.example/api/v1/events?limit=10"');
  });
});
