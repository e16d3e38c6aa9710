/**
 * Matching events over time, from the server's histogram (every matching event in the range, not only
 * the page shown). Hover a bar for its time and count; drag across bars (or click one) to zoom there.
 */
import { useRef, useState, type PointerEvent } from 'react';
import type { SearchHistogram as Histogram } from '../../api/search-types.ts';
import { chartTimeLabel } from '../../components/bar-chart.tsx';
import { labelBuckets, niceCeil } from '../../lib/chart-math.ts';
import { formatCompact, formatInt, formatTimestamp } from '../../lib/format.ts';
import { useElementWidth } from '../../lib/hooks.ts';
import { usePrefs } from '../../lib/prefs.ts';
import { bucketRange, denseHistogram } from '../../lib/search-chart.ts';

const M = { top: 10, right: 12, bottom: 22, left: 44 };
const HEIGHT = 120;

/** The histogram; `onZoom` gets the chosen range in ms. */
export function SearchHistogram({ histogram, range, onZoom }: {
  histogram: Histogram; range: { from: number; to: number }; onZoom(from: number, to: number): void;
}) {
  const { utc } = usePrefs();
  const [ref, width] = useElementWidth<HTMLDivElement>();
  const [hover, setHover] = useState<number | null>(null);
  const [drag, setDrag] = useState<{ a: number; b: number } | null>(null);
  const dragStart = useRef<number | null>(null);
  const h = denseHistogram(histogram);
  const n = h.counts.length;
  const total = h.counts.reduce((a, b) => a + b, 0);
  const max = niceCeil(h.counts.reduce((a, b) => Math.max(a, b), 0));
  const innerW = Math.max(0, width - M.left - M.right);
  const innerH = HEIGHT - M.top - M.bottom;
  const slot = n > 0 ? innerW / n : 0;
  const gap = slot > 6 ? 2 : slot > 3 ? 1 : 0;
  const y = (v: number): number => M.top + innerH - (Math.max(0, v) / max) * innerH;
  const ticks = Number.isInteger(max / 2) || max >= 1000 ? [0, max / 2, max] : [0, max];
  const offset = utc ? 0 : -new Date(h.start).getTimezoneOffset() * 60_000;
  const { step, indexes } = labelBuckets(h.start, h.bucketMs, n, Math.max(2, Math.floor(innerW / 90)), offset);
  const tipStep = Math.min(step, h.bucketMs);

  const bucketAt = (e: PointerEvent<SVGRectElement>): number => {
    const box = e.currentTarget.getBoundingClientRect();
    return Math.max(0, Math.min(n - 1, Math.floor((e.clientX - box.left) / (slot || 1))));
  };
  const onDown = (e: PointerEvent<SVGRectElement>): void => {
    if (e.button !== 0) return;
    e.currentTarget.setPointerCapture(e.pointerId);
    const i = bucketAt(e);
    dragStart.current = i;
    setDrag({ a: i, b: i });
  };
  const onMove = (e: PointerEvent<SVGRectElement>): void => {
    const i = bucketAt(e);
    setHover(i);
    if (dragStart.current !== null) setDrag({ a: dragStart.current, b: i });
  };
  const onUp = (e: PointerEvent<SVGRectElement>): void => {
    const a = dragStart.current;
    dragStart.current = null;
    setDrag(null);
    if (a === null) return;
    const zoom = bucketRange(h, a, bucketAt(e), range);
    if (zoom.to > zoom.from) onZoom(zoom.from, zoom.to);
  };

  const sel = drag && { lo: Math.min(drag.a, drag.b), hi: Math.max(drag.a, drag.b) };
  const hv = hover === null ? undefined : h.counts[hover];
  const minutes = h.bucketMs / 60_000;
  const interval = minutes >= 1440 ? `${minutes / 1440}-day` : minutes >= 60 ? `${minutes / 60}-hour` : minutes >= 1 ? `${minutes}-minute` : `${h.bucketMs / 1000}-second`;
  const label = `${formatInt(total)} matching events from ${formatTimestamp(range.from, utc, false)} to ${formatTimestamp(range.to, utc, false)} in ${interval} buckets. Drag across the chart to zoom into a time range.`;

  return (
    <div className="bar-chart search-histogram" ref={ref} data-testid="search-histogram" data-buckets={n} data-total={total}>
      {width > 0 && (
        <svg width={width} height={HEIGHT} role="img" aria-label={label}>
          {ticks.map((t) => (
            <g key={t} className="chart-grid">
              <line x1={M.left} x2={width - M.right} y1={y(t)} y2={y(t)} />
              <text x={M.left - 8} y={y(t)} dy="0.32em" textAnchor="end">{formatCompact(t)}</text>
            </g>
          ))}
          {indexes.map((i) => (
            <g key={i} className="chart-axis">
              <line x1={M.left + i * slot} x2={M.left + i * slot} y1={M.top + innerH} y2={M.top + innerH + 4} />
              <text x={M.left + i * slot} y={HEIGHT - 5} textAnchor="middle">{chartTimeLabel(h.start + i * h.bucketMs, step, utc)}</text>
            </g>
          ))}
          {h.counts.map((v, i) => {
            const top = y(v);
            const height = M.top + innerH - top;
            return height > 0
              ? <rect key={i} className={i === hover ? 'chart-bar chart-bar-hover' : 'chart-bar'} x={M.left + i * slot + gap / 2}
                  y={top} width={Math.max(1, slot - gap)} height={Math.max(1, height)} rx={slot > 6 ? 1.5 : 0} />
              : null;
          })}
          {sel && <rect className="chart-selection" x={M.left + sel.lo * slot} y={M.top} width={(sel.hi - sel.lo + 1) * slot} height={innerH} />}
          <line className="chart-baseline" x1={M.left} x2={width - M.right} y1={M.top + innerH} y2={M.top + innerH} />
          <rect className="chart-hit" data-testid="histogram-hit" x={M.left} y={M.top} width={innerW} height={innerH}
            onPointerDown={onDown} onPointerMove={onMove} onPointerUp={onUp}
            onPointerCancel={() => { dragStart.current = null; setDrag(null); }} onPointerLeave={() => setHover(null)} />
        </svg>
      )}
      {hover !== null && hv !== undefined && (
        <div className={hover > n / 2 ? 'chart-tip chart-tip-left' : 'chart-tip'} style={{ left: M.left + (hover + 0.5) * slot }} role="tooltip">
          <span className="chart-tip-time">
            {sel && sel.hi > sel.lo
              ? `${chartTimeLabel(h.start + sel.lo * h.bucketMs, tipStep, utc)} – ${chartTimeLabel(h.start + (sel.hi + 1) * h.bucketMs, tipStep, utc)}`
              : `${chartTimeLabel(h.start + hover * h.bucketMs, tipStep, utc)} – ${chartTimeLabel(h.start + (hover + 1) * h.bucketMs, tipStep, utc)}`}
          </span>
          <span><strong>{formatInt(sel && sel.hi > sel.lo ? h.counts.slice(sel.lo, sel.hi + 1).reduce((a, b) => a + b, 0) : hv)}</strong> events</span>
        </div>
      )}
    </div>
  );
}
