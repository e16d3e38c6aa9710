import type { NormalizedEvent } from '../core/event.ts';

/** A stored event as read back: the normalized event plus its store identity. */
export interface StoredEvent extends NormalizedEvent {
  /** Journal sequence number the event was ingested under; unique per event. */
  seq: number;
}

/** The minimal event query of the foundation; the query language (issue 4) compiles to more. */
export interface EventQuery {
  /** Inclusive lower bound on event time, ms since epoch. */
  from?: number;
  /** Exclusive upper bound on event time, ms since epoch. */
  to?: number;
  /** Every listed field must equal its value (string comparison). `source`, `sourceType` address the columns. */
  equals?: Record<string, string>;
  /** Newest first; at most this many (the store caps it). */
  limit?: number;
}

export interface RetentionPolicy {
  /** Delete events older than this many days (0 keeps forever). */
  maxAgeDays: number;
  /** Delete the oldest days until the store is under this many bytes (0: no size limit). */
  maxBytes: number;
}

export interface EventStoreStats {
  events: number;
  bytes: number;
  oldest?: number;
  newest?: number;
  partitions: number;
}

/** What a backend can do beyond the interface, so callers ask instead of testing the backend's type. */
export interface EventStoreCapabilities {
  /** Data stays on this machine's disk (size-based retention measures it). */
  local: boolean;
}

/**
 * Storage for events. The embedded backend is DuckDB; a ClickHouse backend implements the same
 * interface. Appends are batched and idempotent per sequence number: appending an event whose `seq`
 * is at or below {@link lastSeq} is a no-op, so replaying the journal after a crash never duplicates.
 */
export interface EventStore {
  readonly capabilities: EventStoreCapabilities;
  /** Writes a batch atomically (all or nothing) and durably, in ascending seq order. */
  append(events: StoredEvent[]): Promise<void>;
  /** Highest seq stored, 0 when empty. The journal replays everything above it after a restart. */
  lastSeq(): Promise<number>;
  query(query: EventQuery): Promise<StoredEvent[]>;
  stats(): Promise<EventStoreStats>;
  /** Applies the policy; returns how many events were removed. */
  enforceRetention(policy: RetentionPolicy, now: number): Promise<number>;
  close(): Promise<void>;
}
