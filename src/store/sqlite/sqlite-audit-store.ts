import type { SQLInputValue } from 'node:sqlite';
import { canonicalJson, chainEntry } from '../../audit/audit-chain.ts';
import { ACTOR_KINDS, OUTCOMES, type ActorKind, type AuditEntry, type AuditHead, type AuditOutcome, type AuditPage, type AuditQuery, type AuditRecord } from '../../audit/audit-entry.ts';
import { DEFAULT_AUDIT_PAGE, MAX_AUDIT_PAGE, type AuditAnchor, type AuditStore } from '../audit-store.ts';
import { StoreWriteError } from '../store-errors.ts';
import { requireText, time, type SqliteDb } from './sqlite-db.ts';

interface AuditRow {
  seq: number; at: number; actor_kind: string; actor_id: string | null; actor_name: string | null; action: string;
  target_type: string | null; target_id: string | null; outcome: string; address: string | null; details: string;
  prev_hash: string; hash: string;
}

/** Rows fetched per query while walking the whole log. */
const WALK_PAGE = 500;
/** Longest free-text filter: a search term, not a document. */
const MAX_TEXT = 256;

/**
 * {@link AuditStore} on the `audit_log` table (migration 2), whose triggers refuse UPDATE and DELETE.
 * The anchor is written after the commit, never inside it: an anchor ahead of the database would
 * look like deleted entries, while one left behind by a crash is recognized as harmless.
 */
export class SqliteAuditStore implements AuditStore {
  private readonly db: SqliteDb;
  private readonly anchor: AuditAnchor;

  constructor(db: SqliteDb, anchor: AuditAnchor) {
    this.db = db;
    this.anchor = anchor;
  }

  append(record: AuditRecord): AuditEntry {
    const checked = checkRecord(record);
    const entry = this.db.transaction(`cannot append to the audit log (${checked.action})`, () => {
      const last = this.db.sql('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1').get() as AuditHead | undefined;
      const next = chainEntry(last, checked);
      this.db.sql(
        `INSERT INTO audit_log (seq, at, actor_kind, actor_id, actor_name, action, target_type, target_id, outcome, address, details, prev_hash, hash)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(next.seq, next.at, next.actorKind, next.actorId ?? null, next.actorName ?? null, next.action, next.targetType ?? null,
        next.targetId ?? null, next.outcome, next.address ?? null, canonicalJson(next.details), next.prevHash, next.hash);
      return next;
    });
    try {
      this.anchor.write({ seq: entry.seq, hash: entry.hash });
    } catch (err) {
      throw new StoreWriteError(`audit entry ${entry.seq} was stored, but the head anchor could not be written: ${(err as Error).message}`, 'io', { cause: err });
    }
    return entry;
  }

  search(query: AuditQuery): AuditPage {
    const where: string[] = [];
    const params: SQLInputValue[] = [];
    const add = (clause: string, ...values: SQLInputValue[]) => {
      where.push(clause);
      params.push(...values);
    };
    if (query.from !== undefined) add('at >= ?', time(query.from, 'from'));
    if (query.to !== undefined) add('at < ?', time(query.to, 'to'));
    if (query.before !== undefined) add('seq < ?', time(query.before, 'before'));
    if (query.actor) add('(actor_name = ? COLLATE NOCASE OR actor_id = ?)', query.actor, query.actor);
    if (query.action) add("action LIKE ? ESCAPE '\\'", `${escapeLike(query.action)}%`);
    if (query.targetType) add('target_type = ?', query.targetType);
    if (query.targetId) add('target_id = ?', query.targetId);
    if (query.outcome) add('outcome = ?', query.outcome);
    if (query.text) {
      const pattern = `%${escapeLike(query.text.slice(0, MAX_TEXT))}%`;
      add("(details LIKE ? ESCAPE '\\' OR action LIKE ? ESCAPE '\\' OR actor_name LIKE ? ESCAPE '\\' OR target_id LIKE ? ESCAPE '\\')", pattern, pattern, pattern, pattern);
    }
    const limit = Math.min(Math.max(1, Math.trunc(query.limit ?? DEFAULT_AUDIT_PAGE)), MAX_AUDIT_PAGE);
    const sql = `SELECT * FROM audit_log ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq DESC LIMIT ?`;
    // One more than asked tells whether another page exists without a count query.
    const rows = this.db.sql(sql).all(...params, limit + 1) as unknown as AuditRow[];
    const entries = rows.slice(0, limit).map(toEntry);
    return rows.length > limit ? { entries, nextCursor: entries.at(-1)!.seq } : { entries };
  }

  *entries(range: { from?: number; to?: number } = {}): Iterable<AuditEntry> {
    const from = range.from === undefined ? Number.MIN_SAFE_INTEGER : time(range.from, 'from');
    const to = range.to === undefined ? Number.MAX_SAFE_INTEGER : time(range.to, 'to');
    let after = 0;
    for (;;) {
      // Keyset paging instead of one long-lived cursor: a generator may be paused across requests.
      const rows = this.db.sql('SELECT * FROM audit_log WHERE seq > ? AND at >= ? AND at < ? ORDER BY seq LIMIT ?')
        .all(after, from, to, WALK_PAGE) as unknown as AuditRow[];
      for (const row of rows) yield toEntry(row);
      if (rows.length < WALK_PAGE) return;
      after = rows.at(-1)!.seq;
    }
  }

  readAnchor(): AuditHead | undefined {
    return this.anchor.read();
  }
}

const OPTIONAL_FIELDS = ['actorId', 'actorName', 'targetType', 'targetId', 'address'] as const;

function checkRecord(record: AuditRecord): AuditRecord {
  time(record?.at, 'at');
  requireText(record.action, 'action');
  if (!(ACTOR_KINDS as readonly string[]).includes(record.actorKind)) throw new StoreWriteError(`unknown actor kind "${String(record.actorKind)}"`, 'invalid-input');
  if (!(OUTCOMES as readonly string[]).includes(record.outcome)) throw new StoreWriteError(`unknown outcome "${String(record.outcome)}"`, 'invalid-input');
  if (record.details === null || typeof record.details !== 'object' || Array.isArray(record.details)) {
    throw new StoreWriteError('details must be an object', 'invalid-input');
  }
  // Hash exactly what will be read back: details as JSON values, absent fields rather than undefined ones.
  const checked: AuditRecord = { ...record, details: JSON.parse(canonicalJson(record.details)) as Record<string, unknown> };
  for (const key of OPTIONAL_FIELDS) if (checked[key] === undefined) delete checked[key];
  return checked;
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function toEntry(row: AuditRow): AuditEntry {
  let details: Record<string, unknown>;
  try {
    details = JSON.parse(row.details) as Record<string, unknown>;
  } catch {
    // Only an edit behind SQLite's back gets here; the entry then fails verification.
    details = { unparsableDetails: row.details };
  }
  const entry: AuditEntry = {
    seq: row.seq, at: row.at, actorKind: row.actor_kind as ActorKind, action: row.action, outcome: row.outcome as AuditOutcome,
    details, prevHash: row.prev_hash, hash: row.hash,
  };
  if (row.actor_id !== null) entry.actorId = row.actor_id;
  if (row.actor_name !== null) entry.actorName = row.actor_name;
  if (row.target_type !== null) entry.targetType = row.target_type;
  if (row.target_id !== null) entry.targetId = row.target_id;
  if (row.address !== null) entry.address = row.address;
  return entry;
}
