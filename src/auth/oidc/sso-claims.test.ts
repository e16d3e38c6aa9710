import { describe, expect, it } from 'vitest';
import { profileFromClaims, roleForGroups } from './sso-claims.ts';

describe('profileFromClaims', () => {
  const rules = { groupsClaim: 'groups' };

  it('takes preferred_username, then email, for the user name', () => {
    const full = profileFromClaims({ sub: 's1', preferred_username: 'ann', email: 'ann@example.com', name: ' Ann Lee ', groups: ['soc'] }, rules);
    expect(full).toEqual({ ok: true, profile: { subject: 's1', username: 'ann', email: 'ann@example.com', displayName: 'Ann Lee', groups: ['soc'] } });
    const emailOnly = profileFromClaims({ sub: 's2', email: 'bob@example.com' }, rules);
    expect(emailOnly.ok && emailOnly.profile.username).toBe('bob@example.com');
  });

  it('uses only the configured username claim when one is set', () => {
    expect(profileFromClaims({ sub: 's', upn: 'carol@corp.example', preferred_username: 'x' }, { ...rules, usernameClaim: 'upn' }))
      .toMatchObject({ ok: true, profile: { username: 'carol@corp.example' } });
    expect(profileFromClaims({ sub: 's', preferred_username: 'x' }, { ...rules, usernameClaim: 'upn' })).toMatchObject({ ok: false });
  });

  it('refuses claims without a subject or a usable user name', () => {
    expect(profileFromClaims({ preferred_username: 'ann' }, rules)).toMatchObject({ ok: false, reason: expect.stringMatching(/sub/) });
    expect(profileFromClaims({ sub: 's' }, rules)).toMatchObject({ ok: false, reason: expect.stringMatching(/preferred_username, email/) });
    expect(profileFromClaims({ sub: 's', preferred_username: 'ann lee' }, rules)).toMatchObject({ ok: false, reason: expect.stringMatching(/not usable/) });
    expect(profileFromClaims({ sub: 's', preferred_username: '../admin' }, rules)).toMatchObject({ ok: false });
  });

  it('reads groups from the configured claim: a list, a single string, or nothing usable', () => {
    const groups = (value: unknown, claim = 'groups') => {
      const result = profileFromClaims({ sub: 's', preferred_username: 'ann', [claim]: value }, { groupsClaim: claim });
      return result.ok ? result.profile.groups : undefined;
    };
    expect(groups(['a', 3, '', 'b', null])).toEqual(['a', 'b']);
    expect(groups('solo')).toEqual(['solo']);
    expect(groups({ a: 1 })).toEqual([]);
    expect(groups(['Vigil.Admin'], 'roles')).toEqual(['Vigil.Admin']);
  });
});

describe('roleForGroups', () => {
  const rules = [{ group: 'vigil-admins', role: 'admin' }, { group: 'soc', role: 'analyst' }, { group: 'everyone', role: 'viewer' }];

  it('gives the role of the first rule whose group the user is in', () => {
    expect(roleForGroups(['everyone', 'soc', 'vigil-admins'], rules)).toBe('admin');
    expect(roleForGroups(['everyone', 'soc'], rules)).toBe('analyst');
    expect(roleForGroups(['everyone'], rules)).toBe('viewer');
  });

  it('falls back to the default role, else refuses', () => {
    expect(roleForGroups(['other'], rules, 'viewer')).toBe('viewer');
    expect(roleForGroups([], rules)).toBeUndefined();
  });

  it('compares groups exactly', () => {
    expect(roleForGroups(['Vigil-Admins', 'vigil-admins '], rules)).toBeUndefined();
  });
});
