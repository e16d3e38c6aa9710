import type { AuditEntry, AuditHead, AuditPage, AuditQuery, AuditRecord } from '../audit/audit-entry.ts';

/** Largest page {@link AuditStore.search} returns, whatever the caller asks for. */
export const MAX_AUDIT_PAGE = 500;
export const DEFAULT_AUDIT_PAGE = 100;

/**
 * The append-only audit log (src/audit, docs/audit.md). Entries are never changed or removed through
 * this interface; the backend also refuses it underneath (SQLite triggers).
 */
export interface AuditStore {
  /**
   * Appends one entry: reads the newest hash, computes the new entry's hash and inserts it in one
   * transaction, then records the new head in the anchor. Throws a StoreWriteError when the entry
   * could not be stored, or (with the entry stored) when the anchor could not be written.
   */
  append(record: AuditRecord): AuditEntry;
  /** Entries matching the filters, newest first, one page at a time. */
  search(query: AuditQuery): AuditPage;
  /**
   * Every entry (or those with `from <= at < to`) in sequence order, read a page at a time so a log
   * of any size is walked in constant memory. Entries appended meanwhile may be included.
   */
  entries(range?: { from?: number; to?: number }): Iterable<AuditEntry>;
  /**
   * The head recorded outside the database (see {@link AuditAnchor}); undefined when there is none
   * yet. Throws when it exists but cannot be read or parsed.
   */
  readAnchor(): AuditHead | undefined;
}

/** Where the newest entry's seq and hash are kept outside the database, to notice deletion of the newest entries. */
export interface AuditAnchor {
  read(): AuditHead | undefined;
  write(head: AuditHead): void;
}
