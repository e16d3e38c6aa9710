/** One rule: its metadata, state and reason, hits, the on/off switch, its YAML with line numbers, and "Test this rule". */
import { useCallback, useState } from 'react';
import { getRule } from '../../api/detection-client.ts';
import type { RuleDetail, RuleSummary } from '../../api/detection-types.ts';
import { ApiError } from '../../api/errors.ts';
import { CopyButton } from '../../components/copy-button.tsx';
import { IconWarning } from '../../components/icons.tsx';
import { Link } from '../../components/link.tsx';
import { AttackTags, LevelBadge, RuleStateBadge } from '../../components/rule-bits.tsx';
import { Timestamp } from '../../components/time.tsx';
import { EmptyState, ErrorNotice, Loading, PageHeader } from '../../components/ui.tsx';
import { useCan } from '../../lib/access.ts';
import { detectionFiltersToUrl } from '../../lib/detection-query.ts';
import { formatInt } from '../../lib/format.ts';
import { usePoll } from '../../lib/hooks.ts';
import { originLabel } from '../../lib/rule-filters.ts';
import { truncate, visibleText } from '../../lib/safe-text.ts';
import { EnabledSwitch } from './rules-page.tsx';
import { RuleTestPanel } from './rule-test-panel.tsx';
import '../../styles/rules.css';

/** Lines of YAML shown; a rule is a few dozen lines, an odd huge one stays readable by copying. */
const MAX_YAML_LINES = 5_000;

/** The YAML as text, one row per line with its number (numbers are not selected when copying). */
function YamlView({ yaml }: { yaml: string }) {
  const lines = yaml.replace(/\n$/, '').split('\n');
  const shown = lines.slice(0, MAX_YAML_LINES);
  return (
    <div className="yaml-view" data-testid="rule-yaml">
      {shown.map((line, i) => (
        <div key={i} className="yaml-line"><span className="yaml-number" aria-hidden="true">{i + 1}</span><span className="yaml-text">{visibleText(line, true)}</span></div>
      ))}
      {lines.length > shown.length && <div className="muted small">{formatInt(lines.length - shown.length)} more lines: copy the YAML to see them.</div>}
    </div>
  );
}

/** The rule view for `/rules/<id>`. */
export function RuleViewPage({ ruleId }: { ruleId: string }) {
  const canWrite = useCan('rules:write');
  const canTest = useCan('events:read');
  const canSeeDetections = useCan('events:read');
  const load = useCallback((signal: AbortSignal) => getRule(ruleId, signal), [ruleId]);
  const result = usePoll(load, 0, ruleId);
  // The rule as the switch left it, until the next load.
  const [switched, setSwitched] = useState<{ base: number | undefined; rule: RuleSummary } | null>(null);

  if (result.error instanceof ApiError && result.error.status === 404) {
    return (
      <>
        <PageHeader title="Rule not found" />
        <EmptyState title={`No rule with id “${truncate(ruleId, 100)}”`}>It may have been deleted. <Link to="/rules">All rules</Link></EmptyState>
      </>
    );
  }
  if (!result.data) return result.error !== undefined ? <ErrorNotice error={result.error} onRetry={result.refresh} /> : <Loading label="Loading the rule…" />;
  const rule: RuleDetail = switched && switched.base === result.updatedAt && switched.rule.id === result.data.id
    ? { ...result.data, ...switched.rule, hits24h: result.data.hits24h, yaml: result.data.yaml }
    : result.data;

  return (
    <>
      <PageHeader title={truncate(rule.title, 200)}
        subtitle={<><Link to="/rules">Rules</Link> · <span className="mono">{visibleText(rule.id)}</span></>}
        actions={<>
          {canSeeDetections && <Link to={detectionFiltersToUrl({ levels: [], ruleId: rule.id, from: '-7d' })} className="button">Detections</Link>}
          {canWrite && (
            <label className="inline-field rule-view-switch">{rule.enabled ? 'Enabled' : 'Disabled'}
              <EnabledSwitch rule={rule} onChanged={(r) => setSwitched({ base: result.updatedAt, rule: r })} />
            </label>
          )}
        </>} />
      {result.error !== undefined && <ErrorNotice error={result.error} staleSince={result.updatedAt} onRetry={result.refresh} />}
      {rule.reason !== undefined && (
        <div className={rule.state === 'invalid' ? 'notice notice-error' : 'notice notice-warn'} role="note" data-testid="rule-reason">
          <IconWarning />
          <div className="notice-text">This rule does not run ({rule.state}): {visibleText(truncate(rule.reason, 2_000))}</div>
        </div>
      )}
      <section className="panel">
        <dl className="facts">
          <div><dt>State</dt><dd><RuleStateBadge state={rule.state} reason={rule.reason} /></dd></div>
          <div><dt>Level</dt><dd><LevelBadge level={rule.level} /></dd></div>
          <div><dt>Hits, last 24 h</dt><dd data-testid="rule-hits">{formatInt(rule.hits24h)}</dd></div>
          <div><dt>Origin</dt><dd>{visibleText(truncate(originLabel(rule.origin), 200))}</dd></div>
          <div><dt>Updated</dt><dd><Timestamp ms={rule.updatedAt} millis={false} />{rule.updatedBy !== undefined && <span className="muted"> by {visibleText(rule.updatedBy)}</span>}</dd></div>
          <div className="facts-wide"><dt>Tags</dt><dd>{rule.tags.length === 0 ? <span className="muted">None</span> : <AttackTags tags={rule.tags} />}</dd></div>
        </dl>
      </section>
      <section className="panel">
        <div className="panel-header">
          <h2>YAML</h2>
          <CopyButton text={rule.yaml} label="Copy YAML" className="button button-small" />
        </div>
        <YamlView yaml={rule.yaml} />
      </section>
      {canTest
        ? <RuleTestPanel ruleId={rule.id} />
        : <p className="muted">Testing a rule reads events: it needs the events:read permission.</p>}
    </>
  );
}
