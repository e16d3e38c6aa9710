/**
 * Permissions and roles. Every API route names the one permission it needs (or that it is public or
 * open to any signed-in user; see src/api/access.ts); a role is a set of permissions; a user has one
 * role. Nothing is allowed that a role does not list: deny by default.
 */

/** Every permission, with what it allows (shown in the console's role editor and in docs/access-control.md). */
export const PERMISSIONS = {
  'events:read': 'Search and read stored events',
  'sources:read': 'See intake sources, their rates and parse errors',
  'sources:write': 'Create intake sources and revoke their tokens',
  'system:read': 'See the node\'s status and metrics',
  'incidents:read': 'See incidents (restricted ones only as a member)',
  'incidents:write': 'Create and change incidents',
  'users:read': 'See users, their roles and sessions',
  'users:write': 'Create, change, disable and unlock users; revoke their sessions and tokens',
  'roles:write': 'Create, change and delete custom roles',
  'tokens:write': 'Create and revoke one\'s own API tokens',
  'audit:read': 'Search and export the audit log',
  'rules:read': 'See detection rules, their state and hits, and test them',
  'rules:write': 'Import, enable, disable and delete detection rules',
} as const;

export type Permission = keyof typeof PERMISSIONS;

export const ALL_PERMISSIONS: readonly Permission[] = Object.keys(PERMISSIONS) as Permission[];

export function isPermission(value: string): value is Permission {
  return Object.hasOwn(PERMISSIONS, value);
}

const VIEWER: Permission[] = ['events:read', 'sources:read', 'system:read', 'incidents:read', 'rules:read'];
const ANALYST: Permission[] = [...VIEWER, 'tokens:write'];
const RESPONDER: Permission[] = [...ANALYST, 'incidents:write'];
const ENGINEER: Permission[] = [...RESPONDER, 'sources:write', 'rules:write'];

export interface RoleDefinition {
  name: string;
  description: string;
  permissions: readonly Permission[];
  builtin: boolean;
}

/** The built-in roles, least to most privileged. They cannot be changed or deleted. */
export const BUILTIN_ROLES: readonly RoleDefinition[] = [
  { name: 'viewer', description: 'Reads events, sources, incidents and status; changes nothing', permissions: VIEWER, builtin: true },
  { name: 'analyst', description: 'Viewer who triages alerts and hunts; may create API tokens', permissions: ANALYST, builtin: true },
  { name: 'responder', description: 'Analyst who runs incidents', permissions: RESPONDER, builtin: true },
  { name: 'engineer', description: 'Responder who runs the platform: sources, rules, integrations', permissions: ENGINEER, builtin: true },
  { name: 'admin', description: 'Everything, including users, roles and the audit log', permissions: ALL_PERMISSIONS, builtin: true },
];

export const BUILTIN_ROLE_NAMES: ReadonlySet<string> = new Set(BUILTIN_ROLES.map((r) => r.name));

/** Role names: short, lowercase, safe in URLs and logs. */
export const ROLE_NAME = /^[a-z][a-z0-9_-]{1,31}$/;

/** Usernames, local or from single sign-on: letters, digits, `.`, `_`, `@`, `-`; no spaces or control characters. */
export const USERNAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,127}$/;
