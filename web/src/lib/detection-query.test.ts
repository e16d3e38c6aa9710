import { describe, expect, it } from 'vitest';
import {
  DEFAULT_DETECTION_FILTERS, detectionContextUrl, detectionEventUrl, detectionFiltersFromUrl, detectionFiltersToUrl,
} from './detection-query.ts';
import { stateFromUrl } from './search-query.ts';

const T = Date.UTC(2026, 4, 1, 10, 0, 0, 123);

describe('detection filters and links', () => {
  it('round-trip the filters through the URL; unknown values fall back', () => {
    const f = { levels: ['high' as const, 'critical' as const], ruleId: 'proc_creation_win_x', from: '-7d' };
    expect(detectionFiltersFromUrl(detectionFiltersToUrl(f).slice('/detections'.length))).toEqual(f);
    expect(detectionFiltersToUrl(DEFAULT_DETECTION_FILTERS)).toBe('/detections');
    expect(detectionFiltersFromUrl('?level=bogus,low&from=-3y')).toEqual({ ...DEFAULT_DETECTION_FILTERS, levels: ['low'] });
    expect(detectionFiltersFromUrl('?from=').from).toBe('');
  });

  it('link the event to a search on its host at its exact millisecond, the host quoted', () => {
    const url = detectionEventUrl({ host: 'ws "1"', eventTime: T });
    const state = stateFromUrl(url.slice('/search'.length));
    expect(state).toEqual({ q: 'host.name:"ws \\"1\\""', from: '2026-05-01T10:00:00.123Z', to: '2026-05-01T10:00:00.124Z' });
    expect(stateFromUrl(detectionEventUrl({ host: undefined, eventTime: T }).slice('/search'.length)).q).toBe('');
  });

  it('link five minutes around the event, ending now when that is in the future', () => {
    const around = stateFromUrl(detectionContextUrl({ host: 'ws-1', eventTime: T }, T + 3_600_000).slice('/search'.length));
    expect(around).toEqual({ q: 'host.name:"ws-1"', from: '2026-05-01T09:55:00.123Z', to: '2026-05-01T10:05:00.123Z' });
    expect(stateFromUrl(detectionContextUrl({ host: 'ws-1', eventTime: T }, T + 1000).slice('/search'.length)).to).toBe('now');
  });
});
