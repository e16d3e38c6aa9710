/**
 * The Detections page's filters as they live in the URL (`/detections?level=high,critical&rule=<id>&from=-7d`)
 * and the links from a detection to its events on the Search page. The query language has no
 * field for an event's sequence number, so "the event" is a search on the host over the exact
 * millisecond of the event, and "around it" the same host five minutes either side. Pure.
 */
import { LEVELS, type Detection, type DetectionLevel } from '../api/detection-types.ts';
import { DEFAULT_TO, isoTime, quoteValue, stateToUrl } from './search-query.ts';

export const DETECTION_RANGES = [
  { from: '-1h', short: '1h', label: 'Last hour' },
  { from: '-24h', short: '24h', label: 'Last 24 hours' },
  { from: '-7d', short: '7d', label: 'Last 7 days' },
  { from: '-30d', short: '30d', label: 'Last 30 days' },
  { from: '', short: 'All', label: 'Every detection kept' },
] as const;

export interface DetectionFilters {
  levels: DetectionLevel[];
  /** Only this rule's detections. */
  ruleId: string;
  /** Event time lower bound as the API takes it; '' for none. */
  from: string;
}

export const DEFAULT_DETECTION_FILTERS: DetectionFilters = { levels: [], ruleId: '', from: '-24h' };

/** Filters from the URL query string; unknown levels and ranges fall back to the defaults. */
export function detectionFiltersFromUrl(search: string): DetectionFilters {
  const p = new URLSearchParams(search);
  const wanted = new Set((p.get('level') ?? '').split(',').map((l) => l.trim().toLowerCase()));
  const from = p.get('from');
  return {
    levels: LEVELS.filter((l) => wanted.has(l)),
    ruleId: (p.get('rule') ?? '').slice(0, 128),
    from: from !== null && DETECTION_RANGES.some((r) => r.from === from) ? from : DEFAULT_DETECTION_FILTERS.from,
  };
}

/** The Detections page URL for filters. */
export function detectionFiltersToUrl(f: DetectionFilters): string {
  const p = new URLSearchParams();
  if (f.levels.length > 0) p.set('level', f.levels.join(','));
  if (f.ruleId !== '') p.set('rule', f.ruleId);
  if (f.from !== DEFAULT_DETECTION_FILTERS.from) p.set('from', f.from);
  const query = p.toString();
  return query === '' ? '/detections' : `/detections?${query}`;
}

/** The host filter of a detection's searches, or '' when the detection names no host. */
function hostFilter(d: Pick<Detection, 'host'>): string {
  return d.host === undefined || d.host === '' ? '' : `host.name:${quoteValue(d.host)}`;
}

/** A Search page link to the detection's event: its host at the exact millisecond of the event. */
export function detectionEventUrl(d: Pick<Detection, 'host' | 'eventTime'>): string {
  return stateToUrl({ q: hostFilter(d), from: isoTime(d.eventTime), to: isoTime(d.eventTime + 1) });
}

const AROUND_MS = 5 * 60_000;

/** A Search page link to what happened on the detection's host five minutes either side of the event. */
export function detectionContextUrl(d: Pick<Detection, 'host' | 'eventTime'>, now: number): string {
  const to = d.eventTime + AROUND_MS;
  return stateToUrl({ q: hostFilter(d), from: isoTime(d.eventTime - AROUND_MS), to: to >= now ? DEFAULT_TO : isoTime(to) });
}
