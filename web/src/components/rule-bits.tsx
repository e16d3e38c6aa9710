/** Small pieces shared by the Rules, rule and Detections pages: level and state badges, ATT&CK tags, the hits bar. */
import type { RuleStateName } from '../api/detection-types.ts';
import { parseTags } from '../lib/attack-tags.ts';
import { formatInt } from '../lib/format.ts';
import { truncate, visibleText } from '../lib/safe-text.ts';

const KNOWN_LEVELS = new Set(['informational', 'low', 'medium', 'high', 'critical']);

/** A rule level as a colored badge (critical red ... informational grey). */
export function LevelBadge({ level }: { level: string }) {
  return <span className={`tag level level-${KNOWN_LEVELS.has(level) ? level : 'other'}`}>{visibleText(level)}</span>;
}

const STATE_CLASSES: Record<string, string> = { active: 'tag tag-ok', disabled: 'tag', unsupported: 'tag tag-warn', invalid: 'tag tag-danger' };

/** A rule state; the reason (why it does not run) is the tooltip. */
export function RuleStateBadge({ state, reason }: { state: RuleStateName; reason?: string | undefined }) {
  return <span className={STATE_CLASSES[state] ?? 'tag'} title={reason === undefined ? undefined : truncate(reason, 500)} data-state={state}>{visibleText(state)}</span>;
}

/**
 * Sigma tags: ATT&CK techniques, tactics, groups and software link to attack.mitre.org (the links are
 * built from the parsed id, never from the tag text); other tags are plain text.
 */
export function AttackTags({ tags, max }: { tags: readonly string[]; max?: number }) {
  const parsed = parseTags(tags);
  const shown = max === undefined ? parsed : parsed.slice(0, max);
  return (
    <span className="attack-tags">
      {shown.map((t) => t.kind === 'other'
        ? <span key={t.tag} className="tag tag-plain">{visibleText(truncate(t.label, 60))}</span>
        : (
          <a key={t.tag} className={`tag tag-attack tag-attack-${t.kind}`} href={t.url} target="_blank" rel="noopener noreferrer"
            title={`ATT&CK ${t.kind} ${t.id}`}>{t.label}</a>
        ))}
      {shown.length < parsed.length && <span className="muted small" title={tags.join(', ')}>+{parsed.length - shown.length}</span>}
    </span>
  );
}

/** Hits over the last 24 hours: the number and a bar scaled to the busiest rule on screen. */
export function HitsBar({ hits, max }: { hits: number; max: number }) {
  const width = max > 0 && hits > 0 ? Math.max(4, Math.round((hits / max) * 100)) : 0;
  return (
    <span className="hits" title={`${formatInt(hits)} detection${hits === 1 ? '' : 's'} over the last 24 hours`}>
      <span className="hits-bar" aria-hidden="true"><span className="hits-fill" style={{ width: `${width}%` }} /></span>
      <span className="hits-count">{formatInt(hits)}</span>
    </span>
  );
}
