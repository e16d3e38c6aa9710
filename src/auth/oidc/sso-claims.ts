/**
 * From an identity provider's claims to a Vigil profile and role: pure functions, no I/O, so the
 * rules that decide who gets in with which role are tested on their own.
 */

import { USERNAME } from '../permissions.ts';

/** What Vigil keeps about a user signed in by a provider. */
export interface SsoProfile {
  /** The `sub` claim: the link to the Vigil user. */
  subject: string;
  username: string;
  displayName?: string;
  email?: string;
  groups: string[];
}

export interface ClaimRules {
  /** Claim for the user name; when unset, `preferred_username`, then `email`. */
  usernameClaim?: string | undefined;
  groupsClaim: string;
}

export type ProfileResult = { ok: true; profile: SsoProfile } | { ok: false; reason: string };

const DEFAULT_USERNAME_CLAIMS = ['preferred_username', 'email'];
const MAX_GROUPS = 1000;
const MAX_TEXT = 256;

/**
 * Reads the profile from the merged ID token and userinfo claims.
 *
 * @example profileFromClaims({ sub: '1', preferred_username: 'ann', groups: ['soc'] }, { groupsClaim: 'groups' })
 */
export function profileFromClaims(claims: Readonly<Record<string, unknown>>, rules: ClaimRules): ProfileResult {
  const subject = claims.sub;
  if (typeof subject !== 'string' || subject === '') return { ok: false, reason: 'the provider sent no subject (sub claim)' };
  const usernameClaims = rules.usernameClaim === undefined ? DEFAULT_USERNAME_CLAIMS : [rules.usernameClaim];
  const username = usernameClaims.map((name) => text(claims[name])).find((value) => value !== undefined);
  if (username === undefined) return { ok: false, reason: `the provider sent none of the claims ${usernameClaims.join(', ')} for the user name` };
  if (!USERNAME.test(username)) {
    return { ok: false, reason: `the user name "${username.slice(0, 64)}" is not usable in Vigil (letters, digits, ".", "_", "-", "@"; at most 128)` };
  }
  const displayName = text(claims.name);
  const email = text(claims.email);
  return {
    ok: true,
    profile: {
      subject, username, groups: groupsOf(claims[rules.groupsClaim]),
      ...(displayName === undefined ? {} : { displayName }),
      ...(email === undefined ? {} : { email }),
    },
  };
}

/** The groups claim as a list: an array of strings (most providers) or a single string; anything else is no group. */
function groupsOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (!Array.isArray(value)) return [];
  return value.filter((g): g is string => typeof g === 'string' && g !== '').slice(0, MAX_GROUPS);
}

function text(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed.slice(0, MAX_TEXT);
}

export interface RoleRule {
  group: string;
  role: string;
}

/**
 * The role of a user in `groups`: the first rule, in configuration order, whose group the user is in;
 * else `defaultRole`; else undefined (refused). Order the rules most privileged first. Groups compare
 * exactly (case-sensitive), as providers send ids (Entra ID) and names (Okta, Keycloak) verbatim.
 *
 * @example roleForGroups(['soc', 'admins'], [{ group: 'admins', role: 'admin' }, { group: 'soc', role: 'analyst' }]) // 'admin'
 */
export function roleForGroups(groups: readonly string[], rules: readonly RoleRule[], defaultRole?: string): string | undefined {
  const member = new Set(groups);
  return rules.find((rule) => member.has(rule.group))?.role ?? defaultRole;
}
