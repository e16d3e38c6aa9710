import type { IntakeKind } from '../core/event.ts';
import type { AuditStore } from './audit-store.ts';
import type { IncidentStore } from './incident-store.ts';
import type { MfaStore } from './mfa-store.ts';
import type { IdentityStore } from './identity-store.ts';
import type { SavedSearchStore } from './saved-search-store.ts';
import type { RuleStore } from './rule-store.ts';
import type { DetectionStore } from './detection-store.ts';

export interface User {
  id: string;
  username: string;
  /** argon2id PHC string; never leaves the server. Empty for single-sign-on users (no local password). */
  passwordHash: string;
  /** Name of a built-in or custom role (src/auth/permissions.ts). */
  role: string;
  /** Set for generated passwords (first start, reset by an admin) until the user changes it. */
  mustChangePassword: boolean;
  createdAt: number;
  displayName?: string;
  email?: string;
  /** `local` or `oidc:<provider>`. */
  authSource: string;
  disabledAt?: number;
  passwordChangedAt?: number;
  /** Consecutive failed sign-ins since the last success. */
  failedLogins: number;
  lockedUntil?: number;
}

/** Fields of a user that can change after creation; `null` clears an optional one. */
export interface UserChanges {
  role?: string;
  displayName?: string | null;
  email?: string | null;
  disabledAt?: number | null;
  mustChangePassword?: boolean;
  failedLogins?: number;
  lockedUntil?: number | null;
}

export interface CustomRole {
  name: string;
  description: string;
  permissions: string[];
  createdAt: number;
  updatedAt: number;
}

export interface ApiToken {
  id: string;
  userId: string;
  name: string;
  /** SHA-256 of the token (hex); the token is shown once at creation. */
  tokenHash: string;
  /** Scopes: the token may do at most these, and never more than its user's role allows. */
  permissions: string[];
  createdAt: number;
  expiresAt: number;
  lastUsedAt?: number;
  revokedAt?: number;
}

export interface Session {
  /** SHA-256 of the session token; the token itself is only in the user's cookie. */
  tokenHash: string;
  userId: string;
  createdAt: number;
  lastSeenAt: number;
  expiresAt: number;
  /** Where the sign-in came from, shown in the user's session list. */
  address?: string;
  userAgent?: string;
}

export interface Source {
  id: string;
  name: string;
  kind: IntakeKind;
  /** Parser for its records, or `auto`. */
  sourceType: string;
  /** SHA-256 of the intake token (hex); undefined for sources without a token (syslog listeners). */
  tokenHash?: string;
  createdAt: number;
  revokedAt?: number;
}

/** Per-source intake counters, flushed by the pipeline and shown on the Sources page. */
export interface SourceStats {
  sourceName: string;
  eventsTotal: number;
  parseErrorsTotal: number;
  lastEventAt?: number;
  /** Events per minute, oldest first, covering the last 60 minutes ending at `minuteEnd`. */
  perMinute: number[];
  minuteEnd: number;
}

export interface ParseErrorSample {
  sourceName: string;
  at: number;
  reason: string;
  /** The start of the offending record. */
  sample: string;
}

/**
 * Application state (users, sessions, sources, counters). Embedded backend: SQLite via node:sqlite;
 * a PostgreSQL backend implements the same interface. Synchronous reads are deliberate for the
 * embedded case; a networked backend keeps a cache for the hot paths (token checks).
 */
export interface StateStore {
  /** The append-only, hash-chained audit log (docs/audit.md). */
  readonly audit: AuditStore;
  /** Second factors: TOTP seeds and recovery codes. */
  readonly mfa: MfaStore;
  /** Accounts at OpenID Connect providers linked to users (single sign-on). */
  readonly identities: IdentityStore;
  /** Incidents and who may see them (restricted ones: members only). */
  readonly incidents: IncidentStore;
  /** Saved searches: named queries, private or shared (docs/query-language.md). */
  readonly savedSearches: SavedSearchStore;
  /** Sigma rules, bundled and imported (docs/sigma.md). */
  readonly rules: RuleStore;
  /** Detections the streaming engine made, kept `detections.retentionDays`. */
  readonly detections: DetectionStore;

  createUser(user: User): void;
  findUserByName(username: string): User | undefined;
  findUserById(id: string): User | undefined;
  updatePassword(userId: string, passwordHash: string, mustChange: boolean, changedAt: number): void;
  /** Applies the changes; throws a `not-found` StoreWriteError for an unknown id. */
  updateUser(userId: string, changes: UserChanges): User;
  listUsers(): User[];
  countUsers(): number;

  createSession(session: Session): void;
  findSession(tokenHash: string): Session | undefined;
  touchSession(tokenHash: string, lastSeenAt: number): void;
  deleteSession(tokenHash: string): void;
  deleteExpiredSessions(now: number): number;
  listUserSessions(userId: string): Session[];
  /** Signs a user out everywhere; returns how many sessions ended. */
  deleteUserSessions(userId: string): number;

  listRoles(): CustomRole[];
  findRole(name: string): CustomRole | undefined;
  /** Creates or replaces a custom role. */
  saveRole(role: CustomRole): void;
  /** Refused (`conflict`) while a user has the role; `not-found` when there is no such role. */
  deleteRole(name: string): void;

  createApiToken(token: ApiToken): void;
  /** Any token with that hash, revoked or expired ones included: the auth layer decides. */
  findApiTokenByHash(tokenHash: string): ApiToken | undefined;
  listApiTokens(userId?: string): ApiToken[];
  touchApiToken(id: string, at: number): void;
  revokeApiToken(id: string, at: number): void;

  createSource(source: Source): void;
  listSources(): Source[];
  findSourceByName(name: string): Source | undefined;
  findSourceByTokenHash(tokenHash: string): Source | undefined;
  revokeSource(id: string, at: number): void;

  saveSourceStats(stats: SourceStats[]): void;
  loadSourceStats(): SourceStats[];
  /** Keeps the newest `keepPerSource` samples per source. */
  addParseErrors(samples: ParseErrorSample[], keepPerSource: number): void;
  recentParseErrors(sourceName: string, limit: number): ParseErrorSample[];

  /** Small key/value settings (e.g. whether the demo data set was loaded). */
  getSetting(key: string): string | undefined;
  setSetting(key: string, value: string): void;

  close(): void;
}
