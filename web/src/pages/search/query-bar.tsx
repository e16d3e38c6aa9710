/**
 * The query editor: a textarea that grows with its text (Enter runs, Shift+Enter breaks the line),
 * field-name completion from the fields seen in results, a syntax help popover, and the error of the
 * query underlined in place with its message below.
 */
import { useEffect, useId, useLayoutEffect, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import type { QuerySpan } from '../../api/search-types.ts';
import { IconHelp, IconSearch } from '../../components/icons.tsx';
import { useDismiss } from '../../lib/hooks.ts';
import { FILTER_HELP, PIPE_HELP, type HelpItem } from '../../lib/query-help.ts';
import { applyCompletion, checkQuery, completionAt, MAX_QUERY_LENGTH, suggestFields, type Completion, type QueryProblem } from '../../lib/search-query.ts';

/** The text with the error span wrapped in a mark: drawn behind the transparent-background textarea. */
function Highlight({ text, span }: { text: string; span: QuerySpan | undefined }) {
  if (!span) return <>{text}{'\n'}</>;
  // An empty span (an error at the end, "expected a value") still gets a visible mark.
  const end = span.end > span.start ? span.end : span.start + 1;
  return <>{text.slice(0, span.start)}<mark className="query-error-mark">{text.slice(span.start, end) || ' '}</mark>{text.slice(end)}{'\n'}</>;
}

function HelpList({ title, items, onUse }: { title: string; items: readonly HelpItem[]; onUse(example: string): void }) {
  return (
    <section>
      <h3 className="subheading">{title}</h3>
      <table className="help-table">
        <tbody>
          {items.map((h) => (
            <tr key={h.construct}>
              <th scope="row" className="mono">{h.construct}</th>
              <td><button type="button" className="link-button mono" title="Put this in the query" onClick={() => onUse(h.example)}>{h.example}</button></td>
              <td className="muted">{h.meaning}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/**
 * The bar. `query` is the query last run (from the URL); `problem` the server's complaint about it.
 * While typing, the draft is checked by the language's parser in the browser.
 */
export function QueryBar({ query, problem, running, fieldNames, onRun, extra }: {
  query: string; problem: QueryProblem | null; running: boolean; fieldNames: readonly string[]; onRun(query: string): void;
  /** More controls before the Search button (the time picker). */
  extra?: ReactNode;
}) {
  const [draft, setDraft] = useState(query);
  const [completion, setCompletion] = useState<{ c: Completion; names: string[]; active: number } | null>(null);
  const [help, setHelp] = useState(false);
  const [live, setLive] = useState<QueryProblem | null>(null);
  const area = useRef<HTMLTextAreaElement>(null);
  const helpRef = useRef<HTMLDivElement>(null);
  const listId = useId();
  const errorId = useId();
  useDismiss(helpRef, help, () => setHelp(false));

  // A new query from outside (a link, a clicked value, a saved search) replaces the draft.
  useEffect(() => { setDraft(query); setCompletion(null); }, [query]);

  useLayoutEffect(() => {
    const el = area.current;
    if (!el) return;
    el.style.height = 'auto';
    el.style.height = `${el.scrollHeight}px`;
  }, [draft]);

  // The browser-side parser answers in microseconds, but parse after a pause so typing stays smooth.
  useEffect(() => {
    const t = window.setTimeout(() => {
      const r = draft.trim() === '' ? undefined : checkQuery(draft);
      setLive(r && 'problem' in r ? r.problem : null);
    }, 150);
    return () => window.clearTimeout(t);
  }, [draft]);

  // The server's complaint is about the query it ran; once the text changes, only the live check speaks.
  const shown = draft === query && problem ? problem : live;

  const updateCompletion = (text: string, cursor: number): void => {
    const c = completionAt(text, cursor);
    const names = c ? suggestFields(fieldNames, c.prefix) : [];
    setCompletion(c && names.length > 0 ? { c, names, active: 0 } : null);
  };
  const accept = (name: string): void => {
    const el = area.current;
    if (!el || !completion) return;
    const next = applyCompletion(draft, el.selectionStart, completion.c, name);
    setDraft(next.query);
    setCompletion(null);
    requestAnimationFrame(() => { el.focus(); el.setSelectionRange(next.cursor, next.cursor); });
  };
  const run = (): void => {
    setCompletion(null);
    onRun(draft.trim());
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>): void => {
    if (completion) {
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        const d = e.key === 'ArrowDown' ? 1 : -1;
        setCompletion({ ...completion, active: (completion.active + d + completion.names.length) % completion.names.length });
        return;
      }
      if (e.key === 'Tab' || (e.key === 'Enter' && !e.shiftKey)) {
        e.preventDefault();
        accept(completion.names[completion.active]!);
        return;
      }
      if (e.key === 'Escape') {
        e.preventDefault();
        setCompletion(null);
        return;
      }
    }
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      run();
    }
  };

  return (
    <div className="query-bar">
      <div className="query-row">
        <div className={shown ? 'query-editor query-editor-invalid' : 'query-editor'}>
          <div className="query-highlight" aria-hidden="true"><Highlight text={draft} span={shown?.span} /></div>
          <textarea ref={area} className="query-input" rows={1} value={draft} maxLength={MAX_QUERY_LENGTH} spellCheck={false}
            autoComplete="off" autoCapitalize="off" aria-label="Search query" placeholder='Search events, e.g. event.code:4625 user.name:adm* | stats count() by host.name'
            role="combobox" aria-expanded={completion !== null} aria-controls={listId} aria-autocomplete="list"
            aria-activedescendant={completion ? `${listId}-${completion.active}` : undefined}
            aria-invalid={shown !== null} aria-describedby={shown ? errorId : undefined}
            onChange={(e) => { setDraft(e.target.value); updateCompletion(e.target.value, e.target.selectionStart); }}
            onClick={(e) => updateCompletion(draft, e.currentTarget.selectionStart)}
            onBlur={() => setCompletion(null)} onKeyDown={onKeyDown} />
          {completion && (
            <ul className="completion-list" role="listbox" id={listId} aria-label="Field names">
              {completion.names.map((n, i) => (
                <li key={n} id={`${listId}-${i}`} role="option" aria-selected={i === completion.active}
                  className={i === completion.active ? 'completion-item completion-item-active' : 'completion-item'}
                  onPointerDown={(e) => { e.preventDefault(); accept(n); }}>{n}</li>
              ))}
            </ul>
          )}
        </div>
        <div className="query-help" ref={helpRef}>
          <button type="button" className="icon-button query-help-button" aria-label="Syntax help" aria-expanded={help} title="Syntax help"
            onClick={() => setHelp(!help)}><IconHelp /></button>
          {help && (
            <div className="popover help-popover" role="dialog" aria-label="Query syntax">
              <HelpList title="Filters" items={FILTER_HELP} onUse={(x) => { setDraft(x); setHelp(false); area.current?.focus(); }} />
              <HelpList title="Pipes" items={PIPE_HELP} onUse={(x) => { setDraft(`${draft.trim()} ${x}`.trim()); setHelp(false); area.current?.focus(); }} />
              <p className="muted small">Enter runs the search, Shift+Enter starts a new line. Click a value in the results to add it as a filter (Alt+click to exclude it).</p>
            </div>
          )}
        </div>
        {extra}
        <button type="button" className="button button-primary query-run" onClick={run} disabled={running}>
          <IconSearch />Search
        </button>
      </div>
      {shown && <div id={errorId} className="field-error query-error" role="alert" data-testid="query-error">{shown.message}</div>}
    </div>
  );
}
