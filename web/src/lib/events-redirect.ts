/**
 * Links to the Events page that Search replaced (`/events?range=24h&source=fw&field.host.name=web1`)
 * as the equivalent Search URL, so bookmarks and shared links keep working. The Events page kept its
 * state as a range preset, the intake source and parser, and `field.<name>=<value>` equality filters.
 */
import { isFieldName, quoteValue, stateToUrl } from './search-query.ts';

/** The Events page's range presets as Search's relative `from`; it defaulted to the last hour. */
const RANGE_FROM: ReadonlyMap<string, string> = new Map([['15m', '-15m'], ['1h', '-1h'], ['24h', '-24h'], ['7d', '-7d']]);
const DEFAULT_RANGE_FROM = '-1h';
/** The Events page's own bounds on filters: more or larger ones were never in a link it made. */
const MAX_FILTERS = 20;
const MAX_VALUE_LENGTH = 4096;

/**
 * The Search URL for an old `/events` query string (with or without `?`). The source and source type
 * become `vigil.source` / `vigil.source_type` terms, each field filter a `field:"value"` term;
 * unreadable parameters are dropped as the Events page dropped them.
 *
 * @example searchUrlForEventsLink('?range=24h&field.host.name=web1') // '/search?q=host.name%3A%22web1%22&from=-24h&to=now'
 */
export function searchUrlForEventsLink(search: string): string {
  const p = new URLSearchParams(search);
  const terms: string[] = [];
  const source = p.get('source');
  if (source) terms.push(`vigil.source:${quoteValue(source)}`);
  const sourceType = p.get('sourceType');
  if (sourceType) terms.push(`vigil.source_type:${quoteValue(sourceType)}`);
  let filters = 0;
  for (const [key, value] of p) {
    if (!key.startsWith('field.') || filters >= MAX_FILTERS) continue;
    const field = key.slice('field.'.length);
    if (!isFieldName(field) || value === '' || value.length > MAX_VALUE_LENGTH) continue;
    terms.push(`${field}:${quoteValue(value)}`);
    filters++;
  }
  return stateToUrl({ q: terms.join(' '), from: RANGE_FROM.get(p.get('range') ?? '') ?? DEFAULT_RANGE_FROM, to: 'now' });
}
