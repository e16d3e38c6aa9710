/**
 * The audit log's entry model: who did what, when, from where, with what outcome (see docs/audit.md).
 * Pure: no I/O.
 */

/**
 * How the actor acted: through a console session, an API token, nobody signed in (a sign-in attempt,
 * a request refused before authentication), or Vigil itself (start-up, housekeeping, offline CLI).
 */
export const ACTOR_KINDS = ['session', 'token', 'anonymous', 'system'] as const;
export type ActorKind = (typeof ACTOR_KINDS)[number];

/** `success` for 2xx/3xx answers, `denied` for 401/403, `failure` for anything else. */
export const OUTCOMES = ['success', 'denied', 'failure'] as const;
export type AuditOutcome = (typeof OUTCOMES)[number];

/** What a caller hands to the log; the store adds the sequence number and the chain hashes. */
export interface AuditRecord {
  /** Milliseconds since the epoch. */
  at: number;
  actorKind: ActorKind;
  /** The user's id (absent for anonymous and system actors). */
  actorId?: string;
  /** The user name, or the name a failed sign-in tried. */
  actorName?: string;
  /** Dotted action name (`user.create`, `auth.login`) or `<METHOD> <route>`. */
  action: string;
  targetType?: string;
  targetId?: string;
  outcome: AuditOutcome;
  /** Client address as the server saw it. */
  address?: string;
  /** Status code, route parameters, before/after snapshots, note: JSON values only, never secrets. */
  details: Record<string, unknown>;
}

/** A stored entry: the record, its position and its link in the hash chain. */
export interface AuditEntry extends AuditRecord {
  /** 1, 2, 3, ... without gaps. */
  seq: number;
  /** The previous entry's hash ({@link GENESIS_HASH} for the first). */
  prevHash: string;
  /** SHA-256 (hex) of `prevHash + "\n" + canonical form of the entry` (src/audit/audit-chain.ts). */
  hash: string;
}

/** The newest entry's position and hash, kept outside the database to detect deletion of the newest entries. */
export interface AuditHead {
  seq: number;
  hash: string;
}

/** Search filters; every one is optional and they combine with AND. */
export interface AuditQuery {
  /** Inclusive lower bound on `at` (ms). */
  from?: number;
  /** Exclusive upper bound on `at` (ms). */
  to?: number;
  /** Actor name (case-insensitive) or actor id, exactly. */
  actor?: string;
  /** Action prefix: `user.` finds `user.create` and `user.update`. */
  action?: string;
  targetType?: string;
  targetId?: string;
  outcome?: AuditOutcome;
  /** Substring (case-insensitive) of the details, action, actor name or target. */
  text?: string;
  /** Only entries older than this sequence number (the `nextCursor` of the previous page). */
  before?: number;
  /** Page size, capped by the store. */
  limit?: number;
}

export interface AuditPage {
  /** Newest first. */
  entries: AuditEntry[];
  /** Pass as `before` for the next (older) page; absent on the last page. */
  nextCursor?: number;
}
