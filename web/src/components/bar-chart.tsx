/** A time-bucketed bar chart with axes and a hover read-out, sized to its container. */
import { useState, type MouseEvent } from 'react';
import { labelBuckets, niceCeil } from '../lib/chart-math.ts';
import { useElementWidth } from '../lib/hooks.ts';
import { formatCompact, formatInt, formatTimestamp } from '../lib/format.ts';
import { usePrefs } from '../lib/prefs.ts';

const M = { top: 10, right: 12, bottom: 22, left: 44 };

/** Axis/tooltip text for a time: "14:05", "14:05:30" or "11-23 14:05" depending on the scale. */
export function chartTimeLabel(ms: number, step: number, utc: boolean): string {
  const full = formatTimestamp(ms, utc, false); // "YYYY-MM-DD HH:MM:SS"
  if (step >= 86_400_000) return full.slice(5, 10);
  if (step >= 3 * 3_600_000) return full.slice(5, 16);
  if (step < 60_000) return full.slice(11, 19);
  return full.slice(11, 16);
}

/**
 * Bars for `values`, bucket `i` covering [start + i·bucketMs, start + (i+1)·bucketMs). The y axis starts
 * at zero with "nice" ticks; hovering shows the bucket's time span and count.
 */
export function BarChart({ values, start, bucketMs, height = 200, unit = 'events', label }: {
  values: readonly number[]; start: number; bucketMs: number; height?: number; unit?: string; label: string;
}) {
  const { utc } = usePrefs();
  const [ref, width] = useElementWidth<HTMLDivElement>();
  const [hover, setHover] = useState<number | null>(null);
  const n = values.length;
  const max = niceCeil(values.reduce((a, b) => Math.max(a, Number.isFinite(b) ? b : 0), 0));
  const innerW = Math.max(0, width - M.left - M.right);
  const innerH = height - M.top - M.bottom;
  const slot = n > 0 ? innerW / n : 0;
  const gap = slot > 6 ? 2 : slot > 3 ? 1 : 0;
  const y = (v: number): number => M.top + innerH - (Math.max(0, v) / max) * innerH;
  // A middle tick only where it is a whole number: "2.5 events" reads oddly.
  const ticks = Number.isInteger(max / 2) || max >= 1000 ? [0, max / 2, max] : [0, max];
  const offset = utc ? 0 : -new Date(start).getTimezoneOffset() * 60_000;
  const { step, indexes } = labelBuckets(start, bucketMs, n, Math.max(2, Math.floor(innerW / 90)), offset);
  const tipStep = Math.min(step, bucketMs);

  const onMove = (e: MouseEvent<SVGRectElement>): void => {
    const box = e.currentTarget.getBoundingClientRect();
    const i = Math.floor((e.clientX - box.left) / (slot || 1));
    setHover(i >= 0 && i < n ? i : null);
  };
  const hv = hover === null ? undefined : values[hover];

  return (
    <div className="bar-chart" ref={ref}>
      {width > 0 && (
        <svg width={width} height={height} role="img" aria-label={label}>
          {ticks.map((t) => (
            <g key={t} className="chart-grid">
              <line x1={M.left} x2={width - M.right} y1={y(t)} y2={y(t)} />
              <text x={M.left - 8} y={y(t)} dy="0.32em" textAnchor="end">{formatCompact(t)}</text>
            </g>
          ))}
          {indexes.map((i) => (
            <g key={i} className="chart-axis">
              <line x1={M.left + i * slot} x2={M.left + i * slot} y1={M.top + innerH} y2={M.top + innerH + 4} />
              <text x={M.left + i * slot} y={height - 5} textAnchor="middle">{chartTimeLabel(start + i * bucketMs, step, utc)}</text>
            </g>
          ))}
          {values.map((v, i) => {
            const top = y(v);
            const h = M.top + innerH - top;
            return h > 0
              ? <rect key={i} className={i === hover ? 'chart-bar chart-bar-hover' : 'chart-bar'} x={M.left + i * slot + gap / 2}
                  y={top} width={Math.max(1, slot - gap)} height={Math.max(1, h)} rx={slot > 6 ? 1.5 : 0} />
              : null;
          })}
          <line className="chart-baseline" x1={M.left} x2={width - M.right} y1={M.top + innerH} y2={M.top + innerH} />
          <rect className="chart-hit" x={M.left} y={M.top} width={innerW} height={innerH} onMouseMove={onMove} onMouseLeave={() => setHover(null)} />
        </svg>
      )}
      {hover !== null && hv !== undefined && (
        <div className={hover > n / 2 ? 'chart-tip chart-tip-left' : 'chart-tip'} style={{ left: M.left + (hover + 0.5) * slot }}>
          <span className="chart-tip-time">
            {chartTimeLabel(start + hover * bucketMs, tipStep, utc)} – {chartTimeLabel(start + (hover + 1) * bucketMs, tipStep, utc)}
          </span>
          <span><strong>{formatInt(hv)}</strong> {unit}</span>
        </div>
      )}
    </div>
  );
}
