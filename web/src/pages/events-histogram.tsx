/** Distribution over time of the events on screen, Splunk/Kibana style. */
import type { VigilEvent } from '../api/types.ts';
import { BarChart } from '../components/bar-chart.tsx';
import { histogram } from '../lib/chart-math.ts';

/** A compact histogram of `events` over [from, to]; says so when it covers only the newest page. */
export function EventsHistogram({ events, from, to, truncated }: { events: readonly VigilEvent[]; from: number; to: number; truncated: boolean }) {
  const h = histogram(events.map((e) => e.timestamp), from, to);
  return (
    <div className="histogram">
      <BarChart values={h.counts} start={h.start} bucketMs={h.bucketMs} height={110}
        label={`Distribution over time of the ${events.length} events shown`} />
      {truncated && <p className="histogram-note muted">Distribution of the events shown only, not of every event in the range.</p>}
    </div>
  );
}
