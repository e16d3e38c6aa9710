import { describe, expect, it } from 'vitest';
import { oidcConfigSchema } from './oidc-config.ts';

const provider = {
  id: 'corp', displayName: 'Corp SSO', issuer: 'https://login.example.com/realms/corp', clientId: 'vigil', clientSecret: 's3cret',
  roleMapping: [{ group: 'soc', role: 'analyst' }],
};
const problems = (input: unknown) => {
  const result = oidcConfigSchema.safeParse(input);
  return result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('auth.oidc configuration', () => {
  it('fills the defaults of a provider', () => {
    const config = oidcConfigSchema.parse({ publicUrl: 'https://vigil.example.com', providers: [provider] });
    expect(config.providers[0]).toMatchObject({ scopes: ['openid', 'profile', 'email'], groupsClaim: 'groups' });
    expect(config.providers[0]!.usernameClaim).toBeUndefined();
    expect(oidcConfigSchema.parse(undefined)).toEqual({ providers: [] });
  });

  it('needs the public URL, an HTTPS issuer, the openid scope and some way to get a role', () => {
    expect(problems({ providers: [provider] })).toEqual([expect.stringMatching(/^publicUrl: is required/)]);
    expect(problems({ publicUrl: 'https://v.example', providers: [{ ...provider, issuer: 'http://login.example.com' }] }))
      .toEqual([expect.stringMatching(/^providers\.0\.issuer: an https:/)]);
    expect(problems({ publicUrl: 'https://v.example', providers: [{ ...provider, scopes: ['profile'] }] }))
      .toEqual([expect.stringMatching(/openid/)]);
    expect(problems({ publicUrl: 'https://v.example', providers: [{ ...provider, roleMapping: [] }] }))
      .toEqual([expect.stringMatching(/^providers\.0\.roleMapping: set roleMapping or defaultRole/)]);
    expect(problems({ publicUrl: 'https://v.example', providers: [{ ...provider, roleMapping: [], defaultRole: 'viewer' }] })).toEqual([]);
    expect(problems({ publicUrl: 'https://v.example/vigil', providers: [provider] })).toEqual([expect.stringMatching(/^publicUrl: scheme, host and port only/)]);
  });

  it('refuses duplicate ids, ids unfit for URLs, bad role names and unknown keys', () => {
    expect(problems({ publicUrl: 'https://v.example', providers: [provider, provider] })).toEqual([expect.stringMatching(/^providers\.1\.id: "corp" is used/)]);
    expect(problems({ publicUrl: 'https://v.example', providers: [{ ...provider, id: 'Corp/SSO' }] })).toHaveLength(1);
    expect(problems({ publicUrl: 'https://v.example', providers: [{ ...provider, roleMapping: [{ group: 'g', role: 'Admin Role' }] }] })).toHaveLength(1);
    expect(problems({ publicUrl: 'https://v.example', providers: [{ ...provider, clientSecrt: 'typo' }] })).toHaveLength(1);
  });
});
