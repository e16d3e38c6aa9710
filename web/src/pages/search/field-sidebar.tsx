/** Fields of the returned events with how many have each; a field expands to its top values with bars. */
import { useState } from 'react';
import type { FieldStat } from '../../api/search-types.ts';
import { IconChevron, IconMinus, IconPlus } from '../../components/icons.tsx';
import { formatInt } from '../../lib/format.ts';
import { canFilterOn } from '../../lib/search-query.ts';
import { truncate, visibleText } from '../../lib/safe-text.ts';
import type { FilterHandler } from './event-table.tsx';

/** The sidebar; `total` is the number of returned events the counts are out of. */
export function FieldSidebar({ fields, total, onFilter }: { fields: readonly FieldStat[]; total: number; onFilter: FilterHandler }) {
  const [open, setOpen] = useState<string | null>(null);
  const [filter, setFilter] = useState('');
  const shown = fields.filter((f) => f.name.toLowerCase().includes(filter.trim().toLowerCase()));
  return (
    <aside className="field-sidebar" aria-label="Fields">
      <div className="field-sidebar-head">
        <h2 className="subheading">Fields <span className="muted">({fields.length})</span></h2>
        <input type="search" className="input-small" placeholder="Filter fields" aria-label="Filter fields" value={filter}
          onChange={(e) => setFilter(e.target.value)} spellCheck={false} />
      </div>
      {shown.length === 0 && <p className="muted small">{fields.length === 0 ? 'No fields in these results.' : 'No field matches.'}</p>}
      <ul className="field-list">
        {shown.map((f) => {
          const expanded = open === f.name;
          const share = total > 0 ? Math.round((f.count / total) * 100) : 0;
          return (
            <li key={f.name} className={expanded ? 'field-item field-item-open' : 'field-item'} data-field={f.name}>
              <button type="button" className="field-name" aria-expanded={expanded} onClick={() => setOpen(expanded ? null : f.name)}
                title={`${formatInt(f.count)} of ${formatInt(total)} events have ${f.name}; ${formatInt(f.distinct)} distinct values`}>
                <IconChevron size={12} />
                <span className="mono field-name-text">{visibleText(truncate(f.name, 80))}</span>
                <span className="field-count">{share}%</span>
              </button>
              {expanded && (
                <div className="field-values">
                  <p className="muted small">{formatInt(f.count)} events · {formatInt(f.distinct)} distinct value{f.distinct === 1 ? '' : 's'}</p>
                  <ul>
                    {f.top.map((t) => {
                      const pct = f.count > 0 ? (t.count / f.count) * 100 : 0;
                      const filterable = canFilterOn(f.name, t.value);
                      return (
                        <li key={t.value} className="top-value">
                          <div className="top-value-row">
                            {filterable
                              ? <button type="button" className="value-button top-value-text mono" title={`Filter on ${f.name} (Alt+click: exclude)`}
                                  onClick={(e) => onFilter(f.name, t.value, e.altKey)}>{visibleText(truncate(t.value, 120)) || '""'}</button>
                              : <span className="top-value-text mono">{visibleText(truncate(t.value, 120))}</span>}
                            <span className="top-value-count">{formatInt(t.count)}</span>
                            {filterable && (
                              <span className="top-value-actions">
                                <button type="button" className="icon-button" aria-label={`Filter for ${f.name} ${truncate(t.value, 60)}`}
                                  onClick={() => onFilter(f.name, t.value, false)}><IconPlus size={12} /></button>
                                <button type="button" className="icon-button" aria-label={`Filter out ${f.name} ${truncate(t.value, 60)}`}
                                  onClick={() => onFilter(f.name, t.value, true)}><IconMinus size={12} /></button>
                              </span>
                            )}
                          </div>
                          <div className="top-value-bar" aria-hidden="true"><span style={{ width: `${pct.toFixed(1)}%` }} /></div>
                        </li>
                      );
                    })}
                  </ul>
                </div>
              )}
            </li>
          );
        })}
      </ul>
    </aside>
  );
}
