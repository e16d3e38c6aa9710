import type { DetectionLevel, RuleSource, RuleState } from '../detect/detection.ts';

/**
 * A Sigma rule as stored: its YAML (the source of truth), whether the user enabled it, and what
 * validation said about it when it was imported (`state`/`reason`, recomputed on every import).
 */
export interface StoredRule extends RuleSource {
  title: string;
  level: DetectionLevel;
  tags: string[];
  /** Where it came from: `bundled` (content/rules), `import:<name>` (file or archive name) or `custom`. */
  origin: string;
  state: RuleState['state'];
  /** Why the rule does not run; set for `unsupported` and `invalid`. */
  reason?: string;
  updatedAt: number;
  /** Username of whoever last imported or switched the rule; absent for bundled content. */
  updatedBy?: string;
}

/** Sigma rules (docs/sigma.md "Managing rules"), keyed by the rule's id. */
export interface RuleStore {
  /** Every rule, by title (any case), then id. */
  list(): StoredRule[];
  get(id: string): StoredRule | undefined;
  /** Adds new ids and replaces the rest (an import), all or nothing. */
  upsert(rules: StoredRule[]): { added: number; updated: number };
  /** Undefined for an unknown id. */
  setEnabled(id: string, enabled: boolean, by: string): StoredRule | undefined;
  /** False for an unknown id. */
  remove(id: string): boolean;
  /** Increases on every change, seen by every connection: the pipeline reloads its engine when it moves. */
  version(): number;
}
