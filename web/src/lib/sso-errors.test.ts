import { describe, expect, it } from 'vitest';
import { SSO_ERRORS } from '../../../src/auth/oidc/sso-service.ts';
import { SSO_ERROR_MESSAGES, ssoErrorMessage } from './sso-errors.ts';

describe('single sign-on error messages', () => {
  it('has a message for every code the server sends, and none for codes it does not', () => {
    expect(Object.keys(SSO_ERROR_MESSAGES).sort()).toEqual(Object.keys(SSO_ERRORS).sort());
  });

  it('answers unknown codes, including Object.prototype names, with the generic message', () => {
    expect(ssoErrorMessage('no_role')).toMatch(/no group/);
    for (const code of ['nonsense', 'constructor', '__proto__', 'toString']) expect(ssoErrorMessage(code)).toMatch(/^Single sign-on failed/);
  });
});
