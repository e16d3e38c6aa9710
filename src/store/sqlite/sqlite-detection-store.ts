import type { SQLInputValue } from 'node:sqlite';
import type { Detection, DetectionField, DetectionLevel } from '../../detect/detection.ts';
import type { DetectionQuery, DetectionStore, StoredDetection } from '../detection-store.ts';
import { StoreWriteError } from '../store-errors.ts';
import { requireText, type SqliteDb, time } from './sqlite-db.ts';
import { parseStrings } from './sqlite-rule-store.ts';

interface DetectionRow {
  id: number; rule_id: string; rule_title: string; level: string; tags: string; event_seqs: string; event_time: number; detected_at: number;
  host: string | null; user_name: string | null; why: string;
}

const LEVELS: ReadonlySet<string> = new Set<DetectionLevel>(['informational', 'low', 'medium', 'high', 'critical']);
/** Field values in `why` come from events (attacker-controlled, unbounded): kept as excerpts. */
const MAX_VALUE_CHARS = 2048;
const MAX_WHY_FIELDS = 64;
const MAX_LIMIT = 10_000;

/** {@link DetectionStore} on the `detections` table (migration 5). */
export class SqliteDetectionStore implements DetectionStore {
  private readonly db: SqliteDb;

  constructor(db: SqliteDb) {
    this.db = db;
  }

  add(detections: readonly Detection[]): void {
    const rows = detections.map(toRow);
    if (rows.length === 0) return;
    this.db.transaction('cannot save detections', () => {
      const insert = this.db.sql(`INSERT INTO detections (rule_id, rule_title, level, tags, event_seqs, event_time, detected_at, host, user_name, why)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
      for (const row of rows) insert.run(...row);
    });
  }

  list(q: DetectionQuery): StoredDetection[] {
    const where: string[] = [];
    const values: SQLInputValue[] = [];
    if (q.from !== undefined) {
      where.push('event_time >= ?');
      values.push(time(q.from, 'from'));
    }
    if (q.to !== undefined) {
      where.push('event_time < ?');
      values.push(time(q.to, 'to'));
    }
    if (q.ruleId !== undefined) {
      where.push('rule_id = ?');
      values.push(q.ruleId);
    }
    if (q.level !== undefined && q.level.length > 0) {
      for (const level of q.level) if (!LEVELS.has(level)) throw new StoreWriteError(`unknown detection level "${String(level)}"`, 'invalid-input');
      // One placeholder per level; the levels themselves are bound, never spliced.
      where.push(`level IN (${q.level.map(() => '?').join(', ')})`);
      values.push(...q.level);
    }
    if (q.before !== undefined) {
      where.push('id < ?');
      values.push(time(q.before, 'before'));
    }
    const limit = Number.isSafeInteger(q.limit) ? Math.max(0, Math.min(q.limit, MAX_LIMIT)) : 0;
    const sql = `SELECT * FROM detections ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`;
    return (this.db.sql(sql).all(...values, limit) as unknown as DetectionRow[]).map(toDetection);
  }

  get(id: number): StoredDetection | undefined {
    const row = this.db.sql('SELECT * FROM detections WHERE id = ?').get(id) as DetectionRow | undefined;
    return row && toDetection(row);
  }

  hitsByRule(since: number): Map<string, number> {
    const rows = this.db.sql('SELECT rule_id, count(*) AS n FROM detections WHERE detected_at >= ? GROUP BY rule_id')
      .all(time(since, 'since')) as unknown as { rule_id: string; n: number }[];
    return new Map(rows.map((r) => [r.rule_id, r.n]));
  }

  deleteBefore(before: number): number {
    return Number(this.db.write('cannot delete old detections', () => this.db.sql('DELETE FROM detections WHERE detected_at < ?')
      .run(time(before, 'time'))).changes);
  }
}

function toRow(d: Detection): SQLInputValue[] {
  requireText(d?.ruleId, 'detection rule id');
  if (!LEVELS.has(d.level)) throw new StoreWriteError(`detection of rule "${d.ruleId}": unknown level "${String(d.level)}"`, 'invalid-input');
  if (!Array.isArray(d.eventSeqs) || !d.eventSeqs.every(Number.isSafeInteger)) {
    throw new StoreWriteError(`detection of rule "${d.ruleId}": eventSeqs must be integers`, 'invalid-input');
  }
  const why = {
    selections: (d.why?.selections ?? []).map(String),
    fields: (d.why?.fields ?? []).slice(0, MAX_WHY_FIELDS).map((f): DetectionField => ({
      selection: String(f.selection), field: f.field === null ? null : String(f.field), value: String(f.value).slice(0, MAX_VALUE_CHARS),
    })),
  };
  return [d.ruleId, String(d.ruleTitle ?? ''), d.level, JSON.stringify((d.tags ?? []).map(String)), JSON.stringify(d.eventSeqs),
    time(d.eventTime, 'eventTime'), time(d.detectedAt, 'detectedAt'), d.host ?? null, d.user ?? null, JSON.stringify(why)];
}

function toDetection(row: DetectionRow): StoredDetection {
  const why = JSON.parse(row.why) as Detection['why'];
  const seqs: unknown = JSON.parse(row.event_seqs);
  return {
    id: row.id, ruleId: row.rule_id, ruleTitle: row.rule_title, level: row.level as DetectionLevel, tags: parseStrings(row.tags),
    eventSeqs: Array.isArray(seqs) ? seqs.filter((n): n is number => typeof n === 'number') : [],
    eventTime: row.event_time, detectedAt: row.detected_at,
    ...(row.host === null ? {} : { host: row.host }),
    ...(row.user_name === null ? {} : { user: row.user_name }),
    why,
  };
}
