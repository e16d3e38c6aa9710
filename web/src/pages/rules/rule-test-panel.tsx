/**
 * "Test this rule": against a pasted event (a JSON object, or a raw log line) or against the events
 * of a search (the Search page's query bar and time picker). Each event is listed as matched or not;
 * a matched one shows why: the true selections with `field = value`, and the event's own fields that
 * satisfied them highlighted. Nothing is stored; the server runs the rule with the pure core.
 */
import { Fragment, useState, type FormEvent } from 'react';
import { testRule, type RuleTestInput } from '../../api/detection-client.ts';
import type { RuleTestAnswer, RuleTestResult, TestedEvent } from '../../api/detection-types.ts';
import { ApiError } from '../../api/errors.ts';
import { syntaxErrorSpan } from '../../api/search-types.ts';
import { IconChevron } from '../../components/icons.tsx';
import { Timestamp } from '../../components/time.tsx';
import { EmptyState, ErrorNotice } from '../../components/ui.tsx';
import { formatInt } from '../../lib/format.ts';
import { highlightSegments, keywordValues, matchedFieldNames, whyBySelection } from '../../lib/match-highlight.ts';
import { pastedEvent } from '../../lib/rule-test-input.ts';
import { DEFAULT_FROM, DEFAULT_TO, type QueryProblem, type SearchState } from '../../lib/search-query.ts';
import { truncate, valueText, visibleText } from '../../lib/safe-text.ts';
import { LongText } from '../event-details.tsx';
import { QueryBar } from '../search/query-bar.tsx';
import { TimePicker } from '../search/time-picker.tsx';

/** Events a search test runs the rule against (the server allows up to 1,000). */
const SEARCH_TEST_LIMIT = 200;
/** Matched results opened at once; the rest open on click. */
const OPEN_MATCHED = 10;

const EVENT_PLACEHOLDER = `{
  "EventID": 4688,
  "Channel": "Security",
  "NewProcessName": "C:\\\\Windows\\\\System32\\\\cmd.exe",
  "CommandLine": "cmd.exe /c whoami"
}`;

/** Text with the given values marked (attacker-controlled: text only, escapes visible). */
function Marked({ text, needles, max }: { text: string; needles: readonly string[]; max: number }) {
  const segments = highlightSegments(truncate(text, max), needles);
  return <>{segments.map((s, i) => s.hit ? <mark key={i} className="match-mark">{visibleText(s.text, true)}</mark> : <Fragment key={i}>{visibleText(s.text, true)}</Fragment>)}</>;
}

function Why({ result }: { result: RuleTestResult }) {
  if (!result.why) return null;
  return (
    <div className="match-why" data-testid="match-why">
      <h3 className="subheading">Why it matched</h3>
      <ul className="why-list">
        {whyBySelection(result.why).map((g) => (
          <li key={g.selection}>
            <span className="mono why-selection">{visibleText(g.selection)}</span>
            {g.fields.length === 0
              ? <span className="muted small"> (true)</span>
              : g.fields.map((f, i) => (
                <span key={i} className="why-field mono" data-field={f.field ?? ''}>
                  {f.field === null ? <span className="muted">keyword</span> : visibleText(f.field)} = <mark className="match-mark">{visibleText(truncate(f.value, 300))}</mark>
                </span>
              ))}
          </li>
        ))}
      </ul>
    </div>
  );
}

function EventFields({ event, result }: { event: TestedEvent; result: RuleTestResult }) {
  const matched = matchedFieldNames(event.fields, result.why);
  const names = Object.keys(event.fields).sort((a, b) => Number(matched.has(b)) - Number(matched.has(a)) || a.localeCompare(b));
  const keywords = keywordValues(result.why);
  return (
    <div className="event-details-grid">
      <div>
        <h3 className="subheading">Fields <span className="muted">({formatInt(names.length)}{matched.size > 0 ? `, ${formatInt(matched.size)} matched` : ''})</span></h3>
        {names.length === 0
          ? <p className="muted">No fields were extracted.</p>
          : (
            <table className="kv-table">
              <tbody>
                {names.map((name) => {
                  const hit = matched.has(name);
                  const text = valueText(event.fields[name]);
                  return (
                    <tr key={name} data-field={name} data-matched={hit ? 'true' : undefined} className={hit ? 'field-matched' : undefined}>
                      <th scope="row" className="mono">{visibleText(name)}</th>
                      <td className="mono kv-value">{hit ? <mark className="match-mark">{visibleText(truncate(text, 5_000), true)}</mark> : <LongText text={text} short={1_000} keepNewlines />}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )}
      </div>
      <div>
        <h3 className="subheading">Original <span className="muted">({formatInt(event.original.length)} characters)</span></h3>
        <pre className="code original"><Marked text={event.original} needles={keywords} max={20_000} /></pre>
      </div>
    </div>
  );
}

function ResultRow({ result, initiallyOpen }: { result: RuleTestResult; initiallyOpen: boolean }) {
  const [open, setOpen] = useState(initiallyOpen);
  const e = result.event;
  const message = valueText(e.fields.message ?? '') || e.original;
  return (
    <li className={`test-result ${result.matched ? 'test-result-matched' : ''}`} data-testid="test-result" data-matched={result.matched ? 'true' : 'false'}>
      <button type="button" className="test-result-head" aria-expanded={open} onClick={() => setOpen(!open)}>
        <IconChevron size={14} className={open ? 'chevron-open' : undefined} />
        <span className={result.matched ? 'tag tag-ok' : 'tag'}>{result.matched ? 'Matched' : 'Not matched'}</span>
        {result.note !== undefined && <span className="tag tag-warn" title={truncate(result.note, 500)}>fields match, other logsource</span>}
        <span className="mono small nowrap"><Timestamp ms={e.timestamp} /></span>
        <span className="tag tag-plain">{visibleText(truncate(e.sourceType, 40))}</span>
        <span className="test-result-summary">{visibleText(truncate(message, 300))}</span>
      </button>
      {open && (
        <div className="test-result-body">
          {result.note !== undefined && <div className="notice notice-warn" role="note"><div className="notice-text">{visibleText(result.note)}</div></div>}
          {e.parseError !== undefined && <div className="notice notice-error"><div className="notice-text">Parse error: {visibleText(truncate(e.parseError, 500))}</div></div>}
          <Why result={result} />
          <EventFields event={e} result={result} />
        </div>
      )}
    </li>
  );
}

function Results({ answer }: { answer: RuleTestAnswer }) {
  const matched = answer.results.filter((r) => r.matched).length;
  let openLeft = OPEN_MATCHED;
  return (
    <div className="test-results">
      {answer.state !== 'active' && answer.state !== 'disabled' && (
        <div className="notice notice-warn" role="note">
          <div className="notice-text">The rule is {answer.state}{answer.reason === undefined ? '' : `: ${visibleText(answer.reason)}`}. It matches nothing until that is fixed.</div>
        </div>
      )}
      <p className="muted" data-testid="test-summary">
        {formatInt(matched)} of {formatInt(answer.results.length)} event{answer.results.length === 1 ? '' : 's'} matched.
      </p>
      {answer.results.length === 0
        ? <EmptyState title="No events">The search found no events in the range to test the rule on.</EmptyState>
        : (
          <ul className="test-result-list">
            {answer.results.map((r, i) => {
              // A single tested event is always open; among many, the first matched ones.
              const openIt = answer.results.length === 1 || (r.matched && openLeft-- > 0);
              return <ResultRow key={r.event.seq ?? i} result={r} initiallyOpen={openIt} />;
            })}
          </ul>
        )}
    </div>
  );
}

/** The panel on the rule view. */
export function RuleTestPanel({ ruleId }: { ruleId: string }) {
  const [mode, setMode] = useState<'event' | 'search'>('event');
  const [eventText, setEventText] = useState('');
  const [search, setSearch] = useState<SearchState>({ q: '', from: DEFAULT_FROM, to: DEFAULT_TO });
  const [running, setRunning] = useState(false);
  const [answer, setAnswer] = useState<RuleTestAnswer | null>(null);
  const [error, setError] = useState<unknown>(undefined);
  const [problem, setProblem] = useState<QueryProblem | null>(null);

  const run = (input: RuleTestInput, query?: string): void => {
    setRunning(true);
    setError(undefined);
    setProblem(null);
    testRule(ruleId, input).then(setAnswer, (err: unknown) => {
      setAnswer(null);
      if (query !== undefined && err instanceof ApiError && err.code === 'QUERY_SYNTAX') setProblem({ message: err.message, span: syntaxErrorSpan(err, query.length) });
      else setError(err);
    }).finally(() => setRunning(false));
  };
  const testEvent = (e: FormEvent): void => {
    e.preventDefault();
    const pasted = pastedEvent(eventText);
    if (!pasted.ok) {
      setAnswer(null);
      setError(new Error(pasted.error));
      return;
    }
    run({ event: pasted.event });
  };
  const testSearch = (q: string, range: Pick<SearchState, 'from' | 'to'> = search): void => {
    const next = { q, ...range };
    setSearch(next);
    run({ query: q, from: next.from, to: next.to, limit: SEARCH_TEST_LIMIT }, q);
  };

  return (
    <section className="panel rule-test" aria-labelledby="rule-test-title">
      <div className="panel-header">
        <h2 id="rule-test-title">Test this rule</h2>
        <div className="segmented" role="group" aria-label="Test against">
          <button type="button" className={mode === 'event' ? 'segment segment-active' : 'segment'} aria-pressed={mode === 'event'} onClick={() => setMode('event')}>An event</button>
          <button type="button" className={mode === 'search' ? 'segment segment-active' : 'segment'} aria-pressed={mode === 'search'} onClick={() => setMode('search')}>A search</button>
        </div>
      </div>
      {mode === 'event'
        ? (
          <form className="rule-test-event" onSubmit={testEvent}>
            <label className="field-label" htmlFor="rule-test-event">Event: a JSON object (a raw record such as a Windows event, or a map of fields) or a log line</label>
            <textarea id="rule-test-event" className="code rule-test-textarea" rows={8} spellCheck={false} value={eventText} placeholder={EVENT_PLACEHOLDER}
              onChange={(e) => setEventText(e.target.value)} />
            <div><button type="submit" className="button button-primary" disabled={running}>{running ? 'Testing…' : 'Test'}</button></div>
          </form>
        )
        : (
          <div className="search-panel rule-test-search">
            <p className="muted small">The rule runs on the first {formatInt(SEARCH_TEST_LIMIT)} events the search finds, newest first.</p>
            <QueryBar query={search.q} problem={problem} running={running} fieldNames={[]} onRun={(q) => testSearch(q)}
              extra={<TimePicker range={search} onChange={(r) => testSearch(search.q, r)} />} />
          </div>
        )}
      {error !== undefined && <ErrorNotice error={error} />}
      {answer && <Results answer={answer} />}
    </section>
  );
}
