/**
 * Shared types of Sigma detection (pure): what a rule found, and the rules as stored and given to
 * the engine. The streaming engine, the hunt command, the stores and the API all speak these.
 */

export type DetectionLevel = 'informational' | 'low' | 'medium' | 'high' | 'critical';

/** A value that satisfied a search identifier; `field` is null for keyword searches. */
export interface DetectionField { selection: string; field: string | null; value: string }

export interface Detection {
  /** The rule's Sigma `id`, or the id the rule store gave it. */
  ruleId: string;
  ruleTitle: string;
  /** Rule level, 'medium' when absent. */
  level: DetectionLevel;
  /** Sigma tags, e.g. attack.execution, attack.t1059.001. */
  tags: string[];
  /** Stored event seq numbers (one for single-event rules); [] in hunt mode. */
  eventSeqs: number[];
  /** Timestamp of the (first) event, ms. */
  eventTime: number;
  detectedAt: number;
  /** host.name of the event, when known. */
  host?: string;
  /** user.name of the event, when known. */
  user?: string;
  /** From CompiledSigmaRule.explain: the selections that were true and the values that satisfied them. */
  why: { selections: string[]; fields: DetectionField[] };
}

/** A rule as stored and as given to the engine. */
export interface RuleSource { id: string; yaml: string; enabled: boolean }

/** What the engine says about each rule (nothing enabled-but-not-running). */
export type RuleState =
  | { state: 'active' } | { state: 'disabled' }
  | { state: 'unsupported'; reason: string } | { state: 'invalid'; reason: string };
