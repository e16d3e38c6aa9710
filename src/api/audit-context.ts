import type { FastifyRequest } from 'fastify';
import type { AuditOutcome } from '../audit/audit-entry.ts';

/** What a route tells the audit log about the action it performed (see docs/audit.md). */
export interface AuditDetails {
  /** A stable, dotted name such as `user.create`, `role.update`, `source.revoke`; defaults to `<METHOD> <route>`. */
  action?: string;
  targetType?: string;
  targetId?: string;
  /** Snapshot before the change. Secret-looking keys are removed (see {@link redactSecrets}). */
  before?: unknown;
  /** Snapshot after the change. Secret-looking keys are removed (see {@link redactSecrets}). */
  after?: unknown;
  /** Free text, e.g. why a sign-in failed. */
  note?: string;
  /** The user name a sign-in attempted: the entry's actor name when nobody is signed in (a failed sign-in). */
  attemptedUsername?: string;
  /** The user a sign-in route just signed in (the request has no principal yet): the entry's actor. */
  signedInAs?: { id: string; username: string };
  /** The outcome, when the status code does not tell it (a single sign-on callback redirects whatever happened). */
  outcome?: AuditOutcome;
}

const detailsByRequest = new WeakMap<FastifyRequest, AuditDetails>();

/**
 * Attaches audit details to a request; the audit hook (src/api/audit-hook.ts) writes them with the
 * request's entry once the response is sent. Calling it again merges: later fields win.
 * Snapshots pass through {@link redactSecrets} here, so a careless route cannot log a password hash.
 * Every state-changing request (not GET/HEAD/OPTIONS) gets an entry anyway; a GET route gets one only
 * when it names an `action` here (e.g. a single sign-on callback that signs a user in).
 *
 * @example
 * auditDetails(request, { action: 'user.update', targetType: 'user', targetId: user.id, before: toView(old), after: toView(user) });
 */
export function auditDetails(request: FastifyRequest, details: AuditDetails): void {
  const clean: AuditDetails = { ...details };
  if ('before' in details) clean.before = redactSecrets(details.before);
  if ('after' in details) clean.after = redactSecrets(details.after);
  detailsByRequest.set(request, { ...detailsByRequest.get(request), ...clean });
}

/** The details a route attached to `request`, if any. */
export function auditDetailsOf(request: FastifyRequest): AuditDetails | undefined {
  return detailsByRequest.get(request);
}

// Keys whose values are never written to the audit log, whatever their nesting: password, passwordHash,
// tokenHash, secret, totpSecret, apiToken, sessionToken, recoveryCodes, privateKey, ...
const SECRET_KEY = /pass(word)?|secret|token|hash|seed|recovery|private.?key|credential|cookie/i;
// Fields that are ids or metadata of secrets, not secrets: they make entries useful.
const NOT_SECRET = new Set(['tokenId', 'tokenName', 'tokenPrefix', 'passwordChangedAt', 'mustChangePassword', 'tokens', 'tokenCount']);
const MAX_DEPTH = 8;

/**
 * A copy of `value` without secret-looking keys (replaced by `"[redacted]"`), as a safety net: routes
 * should pass views that hold no secrets in the first place.
 *
 * @example
 * redactSecrets({ username: 'ann', passwordHash: '$argon2id$...' }) // { username: 'ann', passwordHash: '[redacted]' }
 */
export function redactSecrets(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return '[too deep]';
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((item) => redactSecrets(item, depth + 1));
  if (value instanceof Set) return [...value].map((item) => redactSecrets(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (item === undefined) continue;
    out[key] = SECRET_KEY.test(key) && !NOT_SECRET.has(key) ? '[redacted]' : redactSecrets(item, depth + 1);
  }
  return out;
}
