/**
 * Properties of the parser over generated input: it only ever throws QuerySyntaxError (with a span
 * inside the query), it stays fast on long pathological input, and printing a parsed query gives
 * text that parses back to the same tree.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isValidFieldName as storeFieldName } from '../store/duckdb/duckdb-schema.ts';
import { MAX_QUERY_LENGTH, isValidFieldName, type Query } from './query-ast.ts';
import { QuerySyntaxError } from './query-error.ts';
import { parseQuery } from './query-parser.ts';
import { formatNumber, printQuery } from './query-printer.ts';

/** The tree without spans: printing changes positions, never meaning. */
function withoutSpans(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutSpans);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([k]) => k !== 'span').map(([k, v]) => [k, withoutSpans(v)]));
  }
  return value;
}

function tryParse(text: string): Query | QuerySyntaxError {
  try {
    return parseQuery(text);
  } catch (error) {
    if (error instanceof QuerySyntaxError) return error;
    throw error;
  }
}

/** Checks the round trip of one query text; returns whether it parsed. */
function roundTrips(text: string): boolean {
  const parsed = tryParse(text);
  if (parsed instanceof QuerySyntaxError) return false;
  const printed = printQuery(parsed);
  const reparsed = tryParse(printed);
  if (reparsed instanceof QuerySyntaxError) throw new Error(`printed ${JSON.stringify(printed)} of ${JSON.stringify(text)} does not parse: ${reparsed.message}`);
  expect(withoutSpans(reparsed), `${text} → ${printed}`).toEqual(withoutSpans(parsed));
  expect(printQuery(reparsed)).toBe(printed);
  return true;
}

/** Every span of the tree lies inside the query text. */
function assertSpansInside(value: unknown, length: number): void {
  if (Array.isArray(value)) return value.forEach((v) => assertSpansInside(v, length));
  if (!value || typeof value !== 'object') return;
  for (const [key, child] of Object.entries(value)) {
    if (key === 'span') {
      const span = child as { start: number; end: number };
      expect(0 <= span.start && span.start <= span.end && span.end <= length).toBe(true);
    } else {
      assertSpansInside(child, length);
    }
  }
}

const SPECIALS = [' ', '(', ')', '"', '\\', '|', ':', '*', '?', '-', '<', '>', '=', '/', ',', '!', '\t', '\n'];
const specialHeavy = fc.string({ unit: fc.oneof(fc.constantFrom(...SPECIALS, 'a', 'B', '1', '.', 'é', '日', '😀'), fc.constantFrom('AND', 'or', 'Not', 'stats', 'where', 'by')), maxLength: 60 });

// A grammar of mostly valid queries, with escapes, wildcards and odd characters in values.
const chunk = fc.oneof(
  fc.constantFrom('a', 'web', '01', 'é', '日本', 'x.y', '%', '_', '@', '[', '$', "'", ';', '/', '#'),
  fc.constantFrom(...SPECIALS.filter((c) => c !== '\n')).map((c) => `\\${c}`),
  fc.constantFrom('*', '?'),
);
const word = fc.array(chunk, { minLength: 1, maxLength: 5 }).map((parts) => parts.join(''));
const phraseText = fc.string({ unit: fc.constantFrom('a', ' ', '*', '?', '"', '\\', '|', '(', 'é', ':'), maxLength: 12 });
const quoted = phraseText.map((t) => `"${t.replace(/["\\]/g, (c) => `\\${c}`)}"`);
const fieldName = fc.constantFrom('user.name', 'host.name', 'a', '@timestamp', 'x-y_z', '0a', 'source.ip');
const number = fc.oneof(fc.integer({ min: -1e6, max: 1e6 }), fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e30, max: 1e30 })).map(formatNumber);
const value = fc.oneof(
  word,
  quoted,
  fc.constant('*'),
  fc.tuple(fc.constantFrom('>', '>=', '<', '<='), fc.oneof(number, word, quoted)).map(([op, v]) => `${op}${v}`),
  fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 32 })).map(([a, b, p]) => `${a}.${b}.0.1/${p}`),
  fc.tuple(fc.constantFrom('fe80::', '2001:db8::1', '::ffff:10.0.0.1', '::'), fc.integer({ min: 0, max: 128 })).map(([a, p]) => `${a}/${p}`),
);
const { filter } = fc.letrec<{ filter: string; term: string }>((tie) => ({
  term: fc.oneof(
    { weight: 3, arbitrary: fc.tuple(fieldName, value).map(([f, v]) => `${f}:${v}`) },
    { weight: 2, arbitrary: word },
    { weight: 1, arbitrary: quoted },
    { weight: 1, arbitrary: tie('term').map((t) => `-${t}`) },
    { weight: 1, arbitrary: fc.tuple(fieldName, fc.array(value, { minLength: 1, maxLength: 3 })).map(([f, vs]) => `${f}:(${vs.join(' OR ')})`) },
  ),
  filter: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    tie('term'),
    fc.tuple(tie('filter'), fc.constantFrom(' ', ' AND ', ' or ', '  '), tie('filter')).map(([a, op, b]) => `${a}${op}${b}`),
    tie('filter').map((f) => `NOT ${f}`),
    tie('filter').map((f) => `(${f})`),
  ),
}));
const literal = fc.oneof(number, quoted, fc.constantFrom('true', 'false'));
const where = fc.letrec<{ cond: string }>((tie) => ({
  cond: fc.oneof(
    { depthSize: 'small' },
    fc.tuple(fieldName, fc.constantFrom('=', '!=', '<', '<=', '>', '>=', '=='), literal).map(([f, op, v]) => `${f} ${op} ${v}`),
    fc.tuple(fieldName, quoted).map(([f, p]) => `${f} like ${p}`),
    fc.tuple(tie('cond'), fc.constantFrom(' and ', ' or ', ' AND '), tie('cond')).map(([a, op, b]) => `${a}${op}${b}`),
    tie('cond').map((c) => `not ${c}`),
    tie('cond').map((c) => `(${c})`),
  ),
})).cond.map((c) => `where ${c}`);
const eventStage = fc.oneof(
  where,
  fc.constantFrom('fields a, user.name', 'fields - host.name', 'sort -a, user.name desc', 'head', 'head 3', 'sort @timestamp'),
);
const aggregating = fc.constantFrom(
  'stats count()', 'stats count, dc(user.name) as users by host.name, a', 'stats min(a), max(a), avg(a), sum(a), values(a) by host.name',
  'timechart span=90s count() by a', 'timechart span=1d count', 'timechart avg(a) as mean', 'top 3 user.name by host.name', 'rare a', 'top limit=7 a',
);
const tableStage = fc.constantFrom('head 7', 'sort -count', 'where count > 3');
const pipeline = fc.oneof(
  fc.array(eventStage, { maxLength: 3 }),
  fc.tuple(fc.array(where, { maxLength: 2 }), aggregating, fc.array(tableStage, { maxLength: 2 })).map(([w, a, t]) => [...w, a, ...t]),
);
const query = fc.tuple(fc.option(filter, { nil: undefined }), pipeline).map(([f, stages]) => [f ?? '', ...stages.map((s) => `| ${s}`)].join(' ').trim());

describe('parser properties', () => {
  it('throws nothing but QuerySyntaxError, with a span inside the query', () => {
    fc.assert(fc.property(fc.oneof(specialHeavy, fc.string({ unit: 'grapheme', maxLength: 80 }), query), (text) => {
      const result = tryParse(text);
      if (result instanceof QuerySyntaxError) {
        expect(result.message.length).toBeGreaterThan(0);
        expect(0 <= result.position.start && result.position.start <= result.position.end && result.position.end <= text.length).toBe(true);
      } else {
        assertSpansInside(result, text.length);
      }
    }), { numRuns: 3000 });
  });

  it('prints any parsed query to text that parses back to the same tree', () => {
    let parsed = 0;
    fc.assert(fc.property(query, (text) => {
      if (roundTrips(text)) parsed++;
    }), { numRuns: 2000 });
    // The generator mostly makes valid queries; if it stopped, the property would test nothing.
    expect(parsed).toBeGreaterThan(1000);
  });

  it('round-trips arbitrary text that happens to parse', () => {
    fc.assert(fc.property(specialHeavy, (text) => {
      roundTrips(text);
    }), { numRuns: 3000 });
  });

  it('stays fast on long pathological input (loose bound: linear work)', () => {
    const n = MAX_QUERY_LENGTH;
    const inputs = [
      '('.repeat(n), ')'.repeat(n), '"'.repeat(n), '\\'.repeat(n), 'a'.repeat(n), `a:${':'.repeat(n - 5)}/8`, `${'1.'.repeat(n / 2 - 2)}1/8`,
      'a '.repeat(n / 2), 'a:b '.repeat(n / 4), '-'.repeat(n), `${'NOT '.repeat(n / 4)}`, `|${' where a = 1 and'.repeat(n / 20)}`.slice(0, n),
      `| stats ${'count() as c, '.repeat(n / 16)}`.slice(0, n), `| fields ${'a, '.repeat(n / 3)}`.slice(0, n), '*'.repeat(n), '| '.repeat(n / 2),
      `${'a OR '.repeat(n / 5)}`.slice(0, n), `f:(${'a '.repeat(n / 2 - 4)})`, `${'"a" '.repeat(n / 4)}`,
    ];
    for (const input of inputs) {
      expect(input.length).toBeLessThanOrEqual(n);
      const started = performance.now();
      tryParse(input);
      // A linear parse of 10,000 characters takes about a millisecond; a quadratic one would take seconds.
      expect(performance.now() - started, input.slice(0, 30)).toBeLessThan(250);
    }
  });
});

describe('field names', () => {
  it('follow the same rule as the store, so a valid name is always safe to splice as a path', () => {
    fc.assert(fc.property(fc.string({ unit: fc.constantFrom('a', 'Z', '0', '_', '@', '.', '-', '"', '\\', "'", ' ', '$', 'é'), maxLength: 300 }), (name) => {
      expect(isValidFieldName(name)).toBe(storeFieldName(name));
    }));
  });
});
