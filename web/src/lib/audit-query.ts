/** The Audit page's filters and how they map onto `GET /api/v1/audit`. Pure: tested without a browser. */

export const AUDIT_RANGES = [
  { id: '24h', label: 'Last 24 hours', short: '24h', ms: 86_400_000 },
  { id: '7d', label: 'Last 7 days', short: '7d', ms: 7 * 86_400_000 },
  { id: '30d', label: 'Last 30 days', short: '30d', ms: 30 * 86_400_000 },
  { id: 'all', label: 'All time', short: 'All', ms: undefined },
] as const;
export type AuditRangeId = (typeof AUDIT_RANGES)[number]['id'];

export const AUDIT_OUTCOMES = ['success', 'denied', 'failure'] as const;

/** Entries per page in the console. */
export const AUDIT_PAGE_SIZE = 100;

export interface AuditFilters {
  range: AuditRangeId;
  actor: string;
  action: string;
  /** '' for any outcome. */
  outcome: string;
  text: string;
}

export const EMPTY_AUDIT_FILTERS: AuditFilters = { range: '7d', actor: '', action: '', outcome: '', text: '' };

/** The time bounds of `range` at `now` (none for all time). */
export function auditRange(range: AuditRangeId, now: number): { from?: number } {
  const ms = AUDIT_RANGES.find((r) => r.id === range)?.ms;
  return ms === undefined ? {} : { from: now - ms };
}

/**
 * The search query for `filters` at `now`; `before` continues after a previous page. Empty filters are
 * left out, text is trimmed and capped at the server's limits.
 *
 * @example
 * auditQuery({ ...EMPTY_AUDIT_FILTERS, actor: ' ann ' }, 1000).toString() // 'limit=100&from=...&actor=ann'
 */
export function auditQuery(filters: AuditFilters, now: number, before?: number): URLSearchParams {
  const query = new URLSearchParams({ limit: String(AUDIT_PAGE_SIZE) });
  const { from } = auditRange(filters.range, now);
  if (from !== undefined) query.set('from', String(from));
  const actor = filters.actor.trim().slice(0, 256);
  const action = filters.action.trim().slice(0, 128);
  const text = filters.text.trim().slice(0, 256);
  if (actor) query.set('actor', actor);
  if (action) query.set('action', action);
  if ((AUDIT_OUTCOMES as readonly string[]).includes(filters.outcome)) query.set('outcome', filters.outcome);
  if (text) query.set('text', text);
  if (before !== undefined) query.set('before', String(before));
  return query;
}

/** The actor as people read it: the user name, "token" noted, or who tried to sign in. */
export function actorLabel(entry: { actorKind: string; actorName: string | undefined }): string {
  const name = entry.actorName ?? '';
  if (entry.actorKind === 'system') return 'Vigil';
  if (entry.actorKind === 'anonymous') return name ? `${name} (not signed in)` : 'anonymous';
  return entry.actorKind === 'token' ? `${name} (API token)` : name;
}

/** The target as one string, e.g. `user u_123`. */
export function targetLabel(entry: { targetType: string | undefined; targetId: string | undefined }): string {
  return [entry.targetType, entry.targetId].filter((part) => part !== undefined && part !== '').join(' ');
}
