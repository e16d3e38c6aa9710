/** Results of `stats`, `top`, `rare` and `timechart`: a plain table, with a line chart above a timechart. */
import { useState } from 'react';
import type { Cell } from '../../api/search-types.ts';
import { chartTimeLabel } from '../../components/bar-chart.tsx';
import { niceCeil } from '../../lib/chart-math.ts';
import { formatCompact, formatTimestamp } from '../../lib/format.ts';
import { useElementWidth } from '../../lib/hooks.ts';
import { usePrefs } from '../../lib/prefs.ts';
import { timechartSeries, type Series } from '../../lib/search-chart.ts';
import { truncate, visibleText } from '../../lib/safe-text.ts';

const M = { top: 10, right: 12, bottom: 22, left: 48 };
const HEIGHT = 200;
const MAX_CELL_CHARS = 500;

function cellText(c: Cell, column: string, utc: boolean): string {
  if (c === null) return '';
  if (column === '_time' && typeof c === 'number') return formatTimestamp(c, utc, false);
  if (typeof c === 'number') return Number.isInteger(c) ? c.toLocaleString('en-US') : c.toLocaleString('en-US', { maximumFractionDigits: 4 });
  return String(c);
}

/** One line per series over time; hover shows the values at the nearest bucket. */
function TimechartChart({ series }: { series: Series[] }) {
  const { utc } = usePrefs();
  const [ref, width] = useElementWidth<HTMLDivElement>();
  const [hover, setHover] = useState<number | null>(null);
  const times = series[0]?.points.map((p) => p.t) ?? [];
  if (times.length === 0) return null;
  const t0 = times[0]!;
  const t1 = times[times.length - 1]!;
  const max = niceCeil(Math.max(0, ...series.flatMap((s) => s.points.map((p) => p.v))));
  const innerW = Math.max(0, width - M.left - M.right);
  const innerH = HEIGHT - M.top - M.bottom;
  const x = (t: number): number => M.left + (t1 > t0 ? ((t - t0) / (t1 - t0)) * innerW : innerW / 2);
  const y = (v: number): number => M.top + innerH - (Math.max(0, v) / max) * innerH;
  const step = times.length > 1 ? (t1 - t0) / (times.length - 1) : 60_000;
  const label = `Line chart of ${series.length} series over ${times.length} time buckets`;
  const ticks = Number.isInteger(max / 2) || max >= 1000 ? [0, max / 2, max] : [0, max];
  const labelEvery = Math.max(1, Math.ceil(times.length / Math.max(2, Math.floor(innerW / 110))));

  return (
    <div className="timechart">
      <div className="bar-chart" ref={ref}>
        {width > 0 && (
          <svg width={width} height={HEIGHT} role="img" aria-label={label}>
            {ticks.map((t) => (
              <g key={t} className="chart-grid">
                <line x1={M.left} x2={width - M.right} y1={y(t)} y2={y(t)} />
                <text x={M.left - 8} y={y(t)} dy="0.32em" textAnchor="end">{formatCompact(t)}</text>
              </g>
            ))}
            {times.map((t, i) => i % labelEvery === 0 && (
              <g key={t} className="chart-axis">
                <text x={x(t)} y={HEIGHT - 5} textAnchor="middle">{chartTimeLabel(t, step * labelEvery, utc)}</text>
              </g>
            ))}
            {series.map((s, si) => (
              <polyline key={s.name} className={`chart-line chart-series-${si}`} fill="none"
                points={s.points.map((p) => `${x(p.t).toFixed(1)},${y(p.v).toFixed(1)}`).join(' ')} />
            ))}
            {hover !== null && <line className="chart-cursor" x1={x(times[hover]!)} x2={x(times[hover]!)} y1={M.top} y2={M.top + innerH} />}
            <line className="chart-baseline" x1={M.left} x2={width - M.right} y1={M.top + innerH} y2={M.top + innerH} />
            <rect className="chart-hit" x={M.left} y={M.top} width={innerW} height={innerH} onPointerLeave={() => setHover(null)}
              onPointerMove={(e) => {
                const box = e.currentTarget.getBoundingClientRect();
                const f = innerW > 0 ? (e.clientX - box.left) / innerW : 0;
                setHover(Math.max(0, Math.min(times.length - 1, Math.round(f * (times.length - 1)))));
              }} />
          </svg>
        )}
        {hover !== null && (
          <div className={hover > times.length / 2 ? 'chart-tip chart-tip-left' : 'chart-tip'} style={{ left: x(times[hover]!) }} role="tooltip">
            <span className="chart-tip-time">{formatTimestamp(times[hover]!, utc, false)}</span>
            {series.map((s, si) => (
              <span key={s.name}><span className={`legend-swatch chart-series-${si}`} /> {visibleText(truncate(s.name, 60))}: <strong>{formatCompact(s.points[hover]?.v ?? 0)}</strong></span>
            ))}
          </div>
        )}
      </div>
      <ul className="chart-legend" aria-label="Series">
        {series.map((s, si) => <li key={s.name}><span className={`legend-swatch chart-series-${si}`} />{visibleText(truncate(s.name, 60))}</li>)}
      </ul>
    </div>
  );
}

/** The table (and the chart for a timechart); `byColumn` is the timechart's `by` field, if any. */
export function ResultTable({ columns, rows, timechart, byColumn }: {
  columns: readonly string[]; rows: readonly (readonly Cell[])[]; timechart: boolean; byColumn: string | undefined;
}) {
  const { utc } = usePrefs();
  // A column is right-aligned when its first value is a number (counts, sums), except the timechart's times.
  const numeric = columns.map((c, i) => c !== '_time' && typeof rows.find((r) => r[i] !== null && r[i] !== undefined)?.[i] === 'number');
  return (
    <>
      {timechart && <TimechartChart series={timechartSeries(columns, rows, byColumn)} />}
      <div className="table-scroll table-results-scroll">
        <table className="table result-table" data-testid="table-results">
          <thead><tr>{columns.map((c, i) => <th key={i} className={numeric[i] ? 'num mono' : 'mono'}>{visibleText(c)}</th>)}</tr></thead>
          <tbody>
            {rows.map((row, ri) => (
              <tr key={ri}>
                {columns.map((c, ci) => {
                  const cell = row[ci] ?? null;
                  return <td key={ci} className={numeric[ci] ? 'num mono small' : 'mono small'}>{visibleText(truncate(cellText(cell, c, utc), MAX_CELL_CHARS))}</td>;
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
