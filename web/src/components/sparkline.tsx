/** A 60-minute activity sparkline for table rows. */
import { sparklinePaths } from '../lib/chart-math.ts';
import { formatInt } from '../lib/format.ts';

/** Draws `values` (events per minute, oldest first) as a small area chart with a text alternative. */
export function Sparkline({ values, width = 120, height = 26, tone = 'accent' }: {
  values: readonly number[]; width?: number; height?: number; tone?: 'accent' | 'muted';
}) {
  const { line, area, max } = sparklinePaths(values, width, height, 1.5);
  const total = values.reduce((a, b) => a + (Number.isFinite(b) && b > 0 ? b : 0), 0);
  const label = `Last ${values.length} minutes: ${formatInt(total)} events, peak ${formatInt(max)} per minute`;
  return (
    <svg className={`sparkline sparkline-${total === 0 ? 'muted' : tone}`} width={width} height={height}
      viewBox={`0 0 ${width} ${height}`} role="img" aria-label={label}>
      <title>{label}</title>
      {total === 0
        ? <line x1="0" x2={width} y1={height - 1.5} y2={height - 1.5} className="sparkline-flat" />
        : <><path d={area} className="sparkline-area" /><path d={line} className="sparkline-line" /></>}
    </svg>
  );
}
