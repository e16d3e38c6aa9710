import { describe, expect, it } from 'vitest';
import {
  addFilterTerm, applyCompletion, canFilterOn, checkQuery, completionAt, filterValues, fromDateTimeInput, isFieldName, pipelineStart, quoteValue, rangeLabel, resolveTime, stateFromUrl, stateToUrl,
  suggestFields, timechartBy, toDateTimeInput,
} from './search-query.ts';

const NOW = Date.UTC(2026, 10, 23, 12, 0, 0);

describe('search page URL state', () => {
  it('round-trips query and range through the URL', () => {
    const url = stateToUrl({ q: 'user.name:"a b" | stats count() by host.name', from: '-7d', to: 'now' });
    expect(url.startsWith('/search?')).toBe(true);
    expect(stateFromUrl(url.slice('/search'.length))).toEqual({ q: 'user.name:"a b" | stats count() by host.name', from: '-7d', to: 'now' });
  });

  it('falls back to the defaults for missing or unreadable times', () => {
    expect(stateFromUrl('')).toEqual({ q: '', from: '-24h', to: 'now' });
    expect(stateFromUrl('?from=yesterday&to=%3Cscript%3E')).toMatchObject({ from: '-24h', to: 'now' });
    expect(stateFromUrl('?from=2026-11-01T00:00:00Z&to=1763900000000')).toMatchObject({ from: '2026-11-01T00:00:00Z', to: '1763900000000' });
    expect(stateFromUrl(`?q=${'x'.repeat(20_000)}`).q).toHaveLength(10_000);
  });

  it('resolves the time forms the API takes', () => {
    expect(resolveTime('now', NOW)).toBe(NOW);
    expect(resolveTime('-15m', NOW)).toBe(NOW - 15 * 60_000);
    expect(resolveTime('-24h', NOW)).toBe(NOW - 86_400_000);
    expect(resolveTime('-7d', NOW)).toBe(NOW - 7 * 86_400_000);
    expect(resolveTime('2026-11-23T10:00:00Z', NOW)).toBe(Date.UTC(2026, 10, 23, 10));
    expect(resolveTime('2026-11-23T10:00', NOW)).toBe(Date.UTC(2026, 10, 23, 10));
    expect(resolveTime('1700000000000', NOW)).toBe(1_700_000_000_000);
    for (const bad of ['', '-5y', 'soon', '2026-13-45T99:00:00Z', '24h']) expect(resolveTime(bad, NOW), bad).toBeUndefined();
  });

  it('converts datetime-local inputs in UTC and the browser zone', () => {
    expect(toDateTimeInput(Date.UTC(2026, 10, 23, 14, 5, 9), true)).toBe('2026-11-23T14:05:09');
    expect(fromDateTimeInput('2026-11-23T14:05', true)).toBe(Date.UTC(2026, 10, 23, 14, 5));
    const local = new Date(2026, 10, 23, 14, 5, 9).getTime();
    expect(fromDateTimeInput(toDateTimeInput(local, false), false)).toBe(local);
    expect(fromDateTimeInput('', true)).toBeUndefined();
    expect(fromDateTimeInput('2026-11-23', true)).toBeUndefined();
  });

  it('names preset ranges and shows custom ones as typed', () => {
    expect(rangeLabel({ from: '-24h', to: 'now' })).toBe('Last 24 hours');
    expect(rangeLabel({ from: '-30d', to: 'now' })).toBe('Last 30 days');
    expect(rangeLabel({ from: '2026-11-01T00:00:00.000Z', to: 'now' })).toBe('2026-11-01T00:00:00.000Z → now');
  });
});

describe('adding a filter term', () => {
  it('quotes and escapes the value', () => {
    expect(quoteValue('say "hi" \\ bye')).toBe('"say \\"hi\\" \\\\ bye"');
    expect(addFilterTerm('', 'host.name', 'web-1')).toBe('host.name:"web-1"');
    expect(addFilterTerm('*', 'host.name', 'web-1')).toBe('host.name:"web-1"');
  });

  it('adds before the pipeline, as NOT when excluding', () => {
    expect(addFilterTerm('error | stats count() by host.name', 'user.name', 'root', true))
      .toBe('error NOT user.name:"root" | stats count() by host.name');
    expect(addFilterTerm('| head 5', 'a', 'b')).toBe('a:"b" | head 5');
  });

  it('parenthesizes a filter with a top-level OR so the term narrows all of it', () => {
    expect(addFilterTerm('a OR b', 'f', 'v')).toBe('(a OR b) f:"v"');
    expect(addFilterTerm('(a OR b) c', 'f', 'v')).toBe('(a OR b) c f:"v"');
    expect(addFilterTerm('message:"x or y"', 'f', 'v')).toBe('message:"x or y" f:"v"');
  });

  it('does not add the same term twice, and ignores pipes inside quotes', () => {
    expect(addFilterTerm('host.name:"web-1"', 'host.name', 'web-1')).toBe('host.name:"web-1"');
    expect(pipelineStart('message:"a | b" | head')).toBe(16);
    expect(addFilterTerm('message:"a | b"', 'f', 'v')).toBe('message:"a | b" f:"v"');
  });

  it('offers filters only on dotted field names the language reads, and on values of sensible size', () => {
    for (const ok of ['@timestamp', 'source.ip', 'event.action', 'a', 'x-y_z.1']) expect(isFieldName(ok)).toBe(true);
    for (const bad of ['', '.a', 'a.', 'a..b', '-a', 'a b', 'a=b', 'ü', 'a/b', 'x'.repeat(257)]) expect(isFieldName(bad)).toBe(false);
    expect(canFilterOn('host.name', 'web-1')).toBe(true);
    expect(canFilterOn('host.name', '')).toBe(false);
    expect(canFilterOn('host.name', 'x'.repeat(4097))).toBe(false);
  });

  it('filters on each distinct value of a multi-valued field, and on nothing it cannot quote', () => {
    expect(filterValues('user.name', 'bob')).toEqual(['bob']);
    expect(filterValues('http.response.status_code', 404)).toEqual(['404']);
    expect(filterValues('related.ip', ['10.0.0.1', null, '10.0.0.2', '10.0.0.1'])).toEqual(['10.0.0.1', '10.0.0.2']);
    for (const none of [null, '', [], [null], { a: 1 }, ['a', { b: 1 }], ['a', 'x'.repeat(4097)]]) expect(filterValues('f', none)).toBeUndefined();
    expect(filterValues('bad name', 'x')).toBeUndefined();
  });
});

describe('field name completion', () => {
  it('finds the word at the cursor in the filter and in the pipeline', () => {
    expect(completionAt('error host.na', 13)).toEqual({ start: 6, prefix: 'host.na', inFilter: true });
    expect(completionAt('x | stats count() by ho', 23)).toEqual({ start: 21, prefix: 'ho', inFilter: false });
  });

  it('offers nothing inside quotes, after a colon, for keywords or mid-word', () => {
    expect(completionAt('message:"hel', 12)).toBeUndefined();
    expect(completionAt('user.name:ro', 12)).toBeUndefined();
    expect(completionAt('a AND', 5)).toBeUndefined();
    expect(completionAt('hostname', 3)).toBeUndefined();
    expect(completionAt('', 0)).toBeUndefined();
  });

  it('suggests prefix matches first, then substring matches, without the exact name', () => {
    const names = ['host.name', 'host.ip', 'source.host', 'user.name', 'host'];
    expect(suggestFields(names, 'host')).toEqual(['host.ip', 'host.name', 'source.host']);
    expect(suggestFields(names, 'NAME')).toEqual(['host.name', 'user.name']);
  });

  it('inserts name: in the filter and the bare name in the pipeline', () => {
    const c = completionAt('error host.na', 13)!;
    expect(applyCompletion('error host.na', 13, c, 'host.name')).toEqual({ query: 'error host.name:', cursor: 16 });
    const p = completionAt('| top ho', 8)!;
    expect(applyCompletion('| top ho', 8, p, 'host.name')).toEqual({ query: '| top host.name', cursor: 15 });
  });
});

describe('checking a query in the browser', () => {
  it('answers the syntax error and its span from the language parser', () => {
    const r = checkQuery('user.name:alice AND (host.name:web-1');
    expect('problem' in r).toBe(true);
    if (!('problem' in r)) return;
    expect(r.problem.message.length).toBeGreaterThan(5);
    expect(r.problem.span?.start).toBeGreaterThanOrEqual(0);
    expect(r.problem.span!.start).toBeLessThanOrEqual(37);
  });

  it('accepts queries the terms it adds produce', () => {
    for (const q of [addFilterTerm('a OR b | head 5', 'user.name', 'say "hi" \\ bye'), addFilterTerm('', 'host.name', 'x*?', true)]) {
      expect(checkQuery(q), q).toHaveProperty('query');
    }
  });

  it('finds the by field of a timechart', () => {
    expect(timechartBy('x | timechart span=5m count() by host.name')).toBe('host.name');
    expect(timechartBy('x | timechart span=5m count()')).toBeUndefined();
    expect(timechartBy('x | stats count() by host.name')).toBeUndefined();
    expect(timechartBy('x | timechart span=')).toBeUndefined();
  });
});
