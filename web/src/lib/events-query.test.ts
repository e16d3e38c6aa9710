import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addFilter, buildEventsQuery, isFieldName, parseFieldFilter, searchFromUrl, searchToUrl, type EventSearch } from './events-query.ts';

describe('field filters', () => {
  it('parses field=value at the first "="', () => {
    expect(parseFieldFilter('host.name=web-01')).toEqual({ filter: { field: 'host.name', value: 'web-01' } });
    expect(parseFieldFilter(' url.query = a=b&c=d ')).toEqual({ filter: { field: 'url.query', value: 'a=b&c=d' } });
    expect(parseFieldFilter('winlog.event_data.CommandLine=cmd.exe /c whoami')).toEqual({
      filter: { field: 'winlog.event_data.CommandLine', value: 'cmd.exe /c whoami' },
    });
  });

  it('explains what is wrong with a bad filter', () => {
    expect(parseFieldFilter('host.name')).toHaveProperty('error', expect.stringContaining('field=value'));
    expect(parseFieldFilter('=x')).toHaveProperty('error', expect.stringContaining('missing'));
    expect(parseFieldFilter('host name=x')).toHaveProperty('error', expect.stringContaining('not a field name'));
    expect(parseFieldFilter('host..name=x')).toHaveProperty('error');
    expect(parseFieldFilter('host.name=')).toHaveProperty('error', expect.stringContaining('value'));
  });

  it('accepts ECS names and rejects others', () => {
    for (const ok of ['@timestamp', 'source.ip', 'event.action', 'a', 'x-y_z.1']) expect(isFieldName(ok)).toBe(true);
    for (const bad of ['', '.a', 'a.', 'a..b', 'a b', 'a=b', 'ü', 'a/b', 'x'.repeat(257)]) expect(isFieldName(bad)).toBe(false);
  });

  it('never throws on arbitrary input', () => {
    fc.assert(fc.property(fc.string({ maxLength: 300 }), (s) => {
      const r = parseFieldFilter(s);
      expect('filter' in r || 'error' in r).toBe(true);
    }));
  });

  it('replaces a filter on the same field', () => {
    const f = addFilter([{ field: 'a', value: '1' }, { field: 'b', value: '2' }], { field: 'a', value: '3' });
    expect(f).toEqual([{ field: 'b', value: '2' }, { field: 'a', value: '3' }]);
  });
});

describe('search state', () => {
  it('round-trips through the page URL', () => {
    const s: EventSearch = { range: '24h', source: 'fw', sourceType: 'syslog', filters: [{ field: 'host.name', value: 'a&b=c' }] };
    expect(searchFromUrl(`?${searchToUrl(s)}`)).toEqual(s);
  });

  it('round-trips any valid search', () => {
    const field = fc.stringMatching(/^[a-z][a-z0-9_]{0,8}(\.[a-z0-9_]{1,8}){0,3}$/);
    const search = fc.record({
      range: fc.constantFrom('15m', '1h', '24h', '7d' as const),
      source: fc.string({ maxLength: 20 }),
      sourceType: fc.string({ maxLength: 20 }),
      filters: fc.uniqueArray(fc.record({ field, value: fc.string({ minLength: 1, maxLength: 40 }) }), { selector: (f) => f.field, maxLength: 5 }),
    });
    fc.assert(fc.property(search, (s) => {
      expect(searchFromUrl(searchToUrl(s))).toEqual(s);
    }));
  });

  it('falls back to defaults for unknown or invalid parameters', () => {
    expect(searchFromUrl('?range=99y&field.bad%20name=x&field.ok=&other=1')).toEqual({ range: '1h', source: '', sourceType: '', filters: [] });
  });

  it('builds the API query', () => {
    const q = new URLSearchParams(buildEventsQuery({ range: '15m', source: 'fw', sourceType: '', filters: [{ field: 'host.name', value: 'web 01' }] }, 1_000_000_000));
    expect(q.get('from')).toBe(String(1_000_000_000 - 15 * 60_000));
    expect(q.get('to')).toBe('1000000000');
    expect(q.get('limit')).toBe('200');
    expect(q.get('source')).toBe('fw');
    expect(q.has('sourceType')).toBe(false);
    expect(q.get('field.host.name')).toBe('web 01');
  });
});
