import { describe, expect, it } from 'vitest';
import { ApiError } from './errors.ts';
import { decodeSavedSearchAnswer, decodeSavedSearches, decodeSearchResult, syntaxErrorSpan } from './search-types.ts';

const meta = { from: 1000, to: 2000, tookMs: 12, truncated: false, partitions: 1 };
const event = { seq: 7, timestamp: 1500, receivedAt: 1501, source: 's', sourceType: 'json', fields: { 'host.name': 'web-1' }, original: '{}' };

describe('search API decoders', () => {
  it('decode an events result with histogram and field statistics', () => {
    const r = decodeSearchResult({
      kind: 'events', events: [event], meta,
      histogram: { from: 1000, to: 2000, intervalMs: 500, buckets: [{ t: 1000, count: 0 }, { t: 1500, count: 1 }] },
      fields: [{ name: 'host.name', count: 1, distinct: 1, top: [{ value: 'web-1', count: 1 }, { value: true, count: 1 }] }],
    });
    expect(r.kind).toBe('events');
    if (r.kind !== 'events') return;
    expect(r.events[0]).toMatchObject({ seq: '7', fields: { 'host.name': 'web-1' } });
    expect(r.histogram?.buckets[1]).toEqual({ t: 1500, count: 1 });
    expect(r.fields[0]?.top.map((t) => t.value)).toEqual(['web-1', 'true']);
    expect(r.meta).toEqual(meta);
  });

  it('decode a table result, showing lists as JSON text', () => {
    const r = decodeSearchResult({ kind: 'table', columns: ['host.name', 'count', 'values(u)'], rows: [['web-1', 3, ['a', 'b']], [null, 1, null]], meta });
    expect(r).toMatchObject({ kind: 'table', columns: ['host.name', 'count', 'values(u)'], rows: [['web-1', 3, '["a","b"]'], [null, 1, null]], fields: [] });
    expect(r.histogram).toBeUndefined();
  });

  it('reject malformed answers naming the part', () => {
    expect(() => decodeSearchResult({ kind: 'rows', meta })).toThrow(/kind/);
    expect(() => decodeSearchResult({ kind: 'events', events: [event] })).toThrow(/meta/);
    expect(() => decodeSearchResult({ kind: 'events', events: [event], meta, histogram: { from: 1, to: 2, intervalMs: 1, buckets: [{ t: 'x' }] } }))
      .toThrow(/histogram\.buckets\[0\]\.t/);
    expect(() => decodeSearchResult({ kind: 'table', columns: ['a'], rows: 'x', meta })).toThrow(ApiError);
  });

  it('read the span of a syntax error, clamped to the query', () => {
    const err = (details: Record<string, unknown>) => new ApiError(400, 'QUERY_SYNTAX', 'expected a value', undefined, details);
    expect(syntaxErrorSpan(err({ position: { start: 3, end: 7 } }), 20)).toEqual({ start: 3, end: 7 });
    expect(syntaxErrorSpan(err({ details: { position: { start: 3, end: 7 } } }), 20)).toEqual({ start: 3, end: 7 });
    expect(syntaxErrorSpan(err({ position: { start: 18, end: 40 } }), 20)).toEqual({ start: 18, end: 20 });
    expect(syntaxErrorSpan(err({ position: { start: -1, end: 2 } }), 20)).toBeUndefined();
    expect(syntaxErrorSpan(err({}), 20)).toBeUndefined();
    expect(syntaxErrorSpan(new ApiError(400, 'VALIDATION', 'x', undefined, { position: { start: 1, end: 2 } }), 20)).toBeUndefined();
  });

  it('decode saved searches', () => {
    const saved = { id: 'a', name: 'n', query: 'q', from: '-7d', shared: true, ownerId: 'u', ownerName: 'ann', editable: false, createdAt: 1, updatedAt: 2 };
    const [s] = decodeSavedSearches({ savedSearches: [saved] });
    expect(s).toEqual({ id: 'a', name: 'n', query: 'q', from: '-7d', to: undefined, shared: true, ownerId: 'u', ownerName: 'ann', editable: false, updatedAt: 2 });
    expect(decodeSavedSearchAnswer({ savedSearch: { ...saved, editable: true } }).editable).toBe(true);
    expect(() => decodeSavedSearches({ savedSearches: [{ id: 'a' }] })).toThrow(/savedSearches\[0\]\.name/);
    expect(() => decodeSavedSearchAnswer({ id: 'a' })).toThrow(/savedSearch should be an object/);
  });
});
