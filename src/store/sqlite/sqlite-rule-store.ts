import type { DetectionLevel, RuleState } from '../../detect/detection.ts';
import type { RuleStore, StoredRule } from '../rule-store.ts';
import { StoreWriteError } from '../store-errors.ts';
import { requireText, type SqliteDb, time } from './sqlite-db.ts';

interface RuleRow {
  id: string; yaml: string; enabled: number; title: string; level: string; tags: string; origin: string; state: string;
  reason: string | null; updated_at: number; updated_by: string | null;
}

const LEVELS: ReadonlySet<string> = new Set<DetectionLevel>(['informational', 'low', 'medium', 'high', 'critical']);
const STATES: ReadonlySet<string> = new Set<RuleState['state']>(['active', 'disabled', 'unsupported', 'invalid']);

/**
 * {@link RuleStore} on the `sigma_rules` table (migration 5). The version lives in its own row
 * (`sigma_rules_version`) rather than in memory, so a pipeline on another connection sees it move.
 */
export class SqliteRuleStore implements RuleStore {
  private readonly db: SqliteDb;

  constructor(db: SqliteDb) {
    this.db = db;
  }

  list(): StoredRule[] {
    return (this.db.sql('SELECT * FROM sigma_rules ORDER BY title COLLATE NOCASE, id').all() as unknown as RuleRow[]).map(toRule);
  }

  get(id: string): StoredRule | undefined {
    const row = this.db.sql('SELECT * FROM sigma_rules WHERE id = ?').get(id) as RuleRow | undefined;
    return row && toRule(row);
  }

  upsert(rules: StoredRule[]): { added: number; updated: number } {
    for (const rule of rules) checkRule(rule);
    let added = 0;
    let updated = 0;
    if (rules.length === 0) return { added, updated };
    this.db.transaction('cannot save rules', () => {
      const exists = this.db.sql('SELECT 1 AS found FROM sigma_rules WHERE id = ?');
      const upsert = this.db.sql(`INSERT INTO sigma_rules (id, yaml, enabled, title, level, tags, origin, state, reason, updated_at, updated_by)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET yaml = excluded.yaml, enabled = excluded.enabled,
        title = excluded.title, level = excluded.level, tags = excluded.tags, origin = excluded.origin, state = excluded.state,
        reason = excluded.reason, updated_at = excluded.updated_at, updated_by = excluded.updated_by`);
      for (const rule of rules) {
        if (exists.get(rule.id)) updated++;
        else added++;
        upsert.run(rule.id, rule.yaml, rule.enabled ? 1 : 0, rule.title, rule.level, JSON.stringify(rule.tags), rule.origin, rule.state,
          rule.reason ?? null, rule.updatedAt, rule.updatedBy ?? null);
      }
      this.bump();
    });
    return { added, updated };
  }

  /**
   * Switching a rule moves its state between `active` and `disabled`; `unsupported` and `invalid`
   * rules keep theirs (they cannot run either way) but remember the flag for a later import.
   */
  setEnabled(id: string, enabled: boolean, by: string): StoredRule | undefined {
    requireText(by, 'updated by');
    let row: RuleRow | undefined;
    this.db.transaction(`cannot switch rule "${id}"`, () => {
      const result = this.db.sql(`UPDATE sigma_rules SET enabled = ?, updated_at = ?, updated_by = ?,
        state = CASE WHEN state IN ('active', 'disabled') THEN ? ELSE state END WHERE id = ?`)
        .run(enabled ? 1 : 0, Date.now(), by, enabled ? 'active' : 'disabled', id);
      if (result.changes === 0) return;
      this.bump();
      row = this.db.sql('SELECT * FROM sigma_rules WHERE id = ?').get(id) as RuleRow | undefined;
    });
    return row && toRule(row);
  }

  remove(id: string): boolean {
    let removed = false;
    this.db.transaction(`cannot delete rule "${id}"`, () => {
      removed = this.db.sql('DELETE FROM sigma_rules WHERE id = ?').run(id).changes > 0;
      if (removed) this.bump();
    });
    return removed;
  }

  version(): number {
    return (this.db.sql('SELECT version FROM sigma_rules_version').get() as { version: number }).version;
  }

  private bump(): void {
    this.db.sql('UPDATE sigma_rules_version SET version = version + 1').run();
  }
}

function checkRule(rule: StoredRule): void {
  requireText(rule?.id, 'rule id');
  requireText(rule.yaml, `yaml of rule "${rule.id}"`);
  requireText(rule.title, `title of rule "${rule.id}"`);
  requireText(rule.origin, `origin of rule "${rule.id}"`);
  if (typeof rule.enabled !== 'boolean') throw new StoreWriteError(`rule "${rule.id}": enabled must be a boolean`, 'invalid-input');
  if (!LEVELS.has(rule.level)) throw new StoreWriteError(`rule "${rule.id}": unknown level "${String(rule.level)}"`, 'invalid-input');
  if (!STATES.has(rule.state)) throw new StoreWriteError(`rule "${rule.id}": unknown state "${String(rule.state)}"`, 'invalid-input');
  if (!Array.isArray(rule.tags) || !rule.tags.every((t) => typeof t === 'string')) {
    throw new StoreWriteError(`rule "${rule.id}": tags must be an array of strings`, 'invalid-input');
  }
  time(rule.updatedAt, 'updatedAt');
}

function toRule(row: RuleRow): StoredRule {
  return {
    id: row.id, yaml: row.yaml, enabled: row.enabled === 1, title: row.title, level: row.level as DetectionLevel,
    tags: parseStrings(row.tags), origin: row.origin, state: row.state as RuleState['state'],
    ...(row.reason === null ? {} : { reason: row.reason }),
    updatedAt: row.updated_at,
    ...(row.updated_by === null ? {} : { updatedBy: row.updated_by }),
  };
}

export function parseStrings(text: string): string[] {
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  } catch {
    return [];
  }
}
