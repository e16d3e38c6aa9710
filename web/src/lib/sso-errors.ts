/**
 * What the sign-in page says when single sign-on sends the browser back with `?sso_error=<code>`
 * (codes: SSO_ERRORS in src/auth/oidc/sso-service.ts; docs/sso.md explains each for administrators).
 */
export const SSO_ERROR_MESSAGES: Readonly<Record<string, string>> = {
  provider_unknown: 'That sign-in provider is not configured. Choose another way to sign in.',
  idp_unreachable: 'Vigil could not reach the identity provider. Try again in a moment; if it keeps failing, tell your administrator.',
  idp_error: 'The identity provider did not sign you in (cancelled or refused). Try again.',
  state_invalid: 'The sign-in took too long or was started in another window. Start it again.',
  token_invalid: 'The identity provider\'s answer could not be verified. Tell your administrator (the Vigil log has the details).',
  username_invalid: 'The identity provider sent no user name Vigil can use. Tell your administrator.',
  no_role: 'Your account is in no group that gives access to Vigil. Ask your administrator for access.',
  role_unknown: 'Your groups give a Vigil role that does not exist. Tell your administrator.',
  account_conflict: 'A Vigil account with your user name exists already and is not linked to this provider. Ask your administrator.',
  account_disabled: 'Your Vigil account is disabled. Ask your administrator.',
};

/** The message for a code from the URL; an unknown code (a newer server, an edited link) gets a generic one. */
export function ssoErrorMessage(code: string): string {
  return Object.hasOwn(SSO_ERROR_MESSAGES, code) ? SSO_ERROR_MESSAGES[code]! : 'Single sign-on failed. Try again, or tell your administrator.';
}
