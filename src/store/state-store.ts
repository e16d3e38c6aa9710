import type { IntakeKind } from '../core/event.ts';

export interface User {
  id: string;
  username: string;
  /** argon2id PHC string; never leaves the server. */
  passwordHash: string;
  role: 'admin';
  /** Set for the generated first-start password until the user changes it. */
  mustChangePassword: boolean;
  createdAt: number;
}

export interface Session {
  /** SHA-256 of the session token; the token itself is only in the user's cookie. */
  tokenHash: string;
  userId: string;
  createdAt: number;
  lastSeenAt: number;
  expiresAt: number;
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
  createUser(user: User): void;
  findUserByName(username: string): User | undefined;
  findUserById(id: string): User | undefined;
  updatePassword(userId: string, passwordHash: string, mustChange: boolean): void;
  countUsers(): number;

  createSession(session: Session): void;
  findSession(tokenHash: string): Session | undefined;
  touchSession(tokenHash: string, lastSeenAt: number): void;
  deleteSession(tokenHash: string): void;
  deleteExpiredSessions(now: number): number;

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
