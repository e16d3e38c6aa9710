import { z } from 'zod';
import { secretString } from '../../config/config-secrets.ts';
import { ROLE_NAME } from '../permissions.ts';

/** Provider ids appear in URLs (`/api/v1/auth/sso/<id>/start`) and in users' `authSource` (`oidc:<id>`). */
export const PROVIDER_ID = /^[a-z0-9][a-z0-9-]{0,31}$/;

const roleName = z.string().regex(ROLE_NAME, 'a role name: lowercase letters, digits, "_" or "-", 2 to 32 characters');
// RFC 6749 scope-token characters.
const scope = z.string().regex(/^[\x21\x23-\x5B\x5D-\x7E]+$/, 'a scope without spaces or quotes');
const claimName = z.string().min(1).max(256);

export const oidcProviderConfigSchema = z.object({
  id: z.string().regex(PROVIDER_ID, 'lowercase letters, digits and "-", at most 32 characters')
    .describe('Short id used in URLs (/api/v1/auth/sso/<id>/callback) and in the users\' source (oidc:<id>). Changing it unlinks every user of the provider.'),
  displayName: z.string().min(1).max(64).describe('Name on the sign-in button ("Sign in with <displayName>").'),
  issuer: z.url({ protocol: /^https$/, error: 'an https:// URL (the issuer identifier, without /.well-known/openid-configuration)' })
    .describe('Issuer URL; its /.well-known/openid-configuration is read at the first sign-in. HTTPS only.'),
  clientId: z.string().min(1).max(1024).describe('Client (application) id registered at the provider.'),
  clientSecret: secretString('Client secret registered at the provider.', z.string().min(1).max(4096)),
  scopes: z.array(scope).min(1).max(32).default(['openid', 'profile', 'email'])
    .refine((list) => list.includes('openid'), 'must include "openid"').describe('Scopes requested; must include openid. Add "groups" where the provider needs it for the groups claim.'),
  usernameClaim: claimName.optional().describe('Claim that becomes the Vigil user name (default: preferred_username, else email).'),
  groupsClaim: claimName.default('groups').describe('Claim holding the user\'s groups or roles (Entra ID: groups or roles; Okta, Keycloak: groups).'),
  roleMapping: z.array(z.object({
    group: z.string().min(1).max(1024).describe('Group name or id exactly as the provider sends it.'),
    role: roleName.describe('Vigil role (built-in or custom) given to members of the group.'),
  }).strict()).max(1000).default([]).describe('Ordered group-to-role rules: the first rule whose group the user is in decides the role.'),
  defaultRole: roleName.optional().describe('Role for a user in none of the mapped groups; without it such a user is refused.'),
  caFile: z.string().min(1).optional().describe('PEM file of extra certificate authorities to trust for this provider (private PKI); the system ones stay trusted.'),
}).strict();

export type OidcProviderConfig = z.infer<typeof oidcProviderConfigSchema>;

export const oidcConfigSchema = z.object({
  publicUrl: z.url({ protocol: /^https?$/, error: 'an http:// or https:// URL' })
    .refine((url) => { const u = new URL(url); return u.pathname === '/' && u.search === '' && u.hash === ''; }, 'scheme, host and port only (Vigil is served at the root)')
    .optional()
    .describe('Base URL at which browsers reach Vigil, e.g. `https://vigil.example.com`; each provider\'s callback is `<publicUrl>/api/v1/auth/sso/<id>/callback`. Required with providers.'),
  providers: z.array(oidcProviderConfigSchema).max(32).default([])
    .describe('OpenID Connect providers for single sign-on, set in the YAML file (docs/sso.md describes their keys).'),
}).strict().superRefine((oidc, ctx) => {
  if (oidc.providers.length > 0 && oidc.publicUrl === undefined) {
    ctx.addIssue({ code: 'custom', path: ['publicUrl'], message: 'is required when providers are configured (the callback URL is built from it)' });
  }
  const seen = new Set<string>();
  oidc.providers.forEach((provider, index) => {
    if (seen.has(provider.id)) ctx.addIssue({ code: 'custom', path: ['providers', index, 'id'], message: `"${provider.id}" is used by another provider` });
    seen.add(provider.id);
    if (provider.roleMapping.length === 0 && provider.defaultRole === undefined) {
      ctx.addIssue({ code: 'custom', path: ['providers', index, 'roleMapping'], message: 'set roleMapping or defaultRole, or nobody can sign in' });
    }
  });
}).prefault({});

export type OidcConfig = z.infer<typeof oidcConfigSchema>;
