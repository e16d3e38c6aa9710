import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FilterExpr, MatchValue, PatternPart, Query, Span, Stage, WhereExpr } from '../query-ast.ts';
import { QuerySyntaxError } from '../query-error.ts';
import { parseQuery } from '../query-parser.ts';
import { compileSearch, type CompiledSearch } from './search-compiler.ts';
import type { SqlDialect } from './sql-dialect.ts';

/**
 * A small dialect with readable output: the compiler is tested against it, so these tests show what
 * the compiler asks of any dialect (the DuckDB dialect is exercised against a real store in
 * test/store/duckdb-search.test.ts).
 */
const testDialect: SqlDialect = {
  placeholder: (name, type) => `:${name}<${type}>`,
  quoteIdentifier: (name) => `"${name.replaceAll('"', '""')}"`,
  timestampMs: () => 'TS_MS',
  timestampCompare: (op, ms) => `TS ${op} ${ms}`,
  eventColumns: 'COLS',
  newestFirst: 'TS DESC',
  matchesWords: (regex, prefilter) => `WORDS(${regex}, ${prefilter ?? '-'})`,
  anyValue: (field, predicate) => `ANY[${field}](${predicate('v')})`,
  fieldText: (field) => `TEXT[${field}]`,
  fieldValues: (field) => ({ keys: [`KEY[${field}]`, 'FLAG'], list: (keys) => `LIST(${keys.join(', ')})` }),
  unnest: (list) => `UNNEST(${list})`,
  unnestIndexes: (list) => `UNNEST_INDEXES(${list})`,
  listElement: (list, index) => `ELEMENT(${list}, ${index})`,
  likePattern: (parts: readonly PatternPart[]) =>
    parts.map((p) => (p.kind === 'anyChars' ? '%' : p.kind === 'oneChar' ? '_' : p.text.replace(/[\\%_]/g, '\\$&'))).join(''),
  like: (text, pattern, ignoreCase) => `${text} ${ignoreCase ? 'ILIKE' : 'LIKE'} ${pattern}`,
  equalsIgnoreCase: (text, value) => `LOWER(${text}) = LOWER(${value})`,
  toNumber: (text) => `NUM(${text})`,
  toText: (expr) => `STR(${expr})`,
  ipv4ToInteger: (text) => `IP4(${text})`,
  ipv6ToHex: (text) => `IP6(${text})`,
  timeBucket: (ms, interval) => `BUCKET(${ms}, ${interval})`,
  integerSeries: (start, stop, step) => `SERIES(${start}, ${stop}, ${step})`,
  distinctCount: (expr) => `DC(${expr})`,
  valuesList: (expr, max) => `VALUES(${expr}, ${max})`,
};

const T0 = Date.UTC(2026, 10, 23);
const OPTIONS = { from: T0, to: T0 + 86_400_000, limit: 100, maxRows: 1000 };
const ROWS = 'ROWS';

function compile(query: string | Query, options = OPTIONS): CompiledSearch {
  return compileSearch(typeof query === 'string' ? parseQuery(query) : query, testDialect, options);
}

/** The statement and the parameters it uses. */
function statement(query: string | Query, options = OPTIONS): { sql: string; params: Record<string, unknown> } {
  const compiled = compile(query, options);
  const sql = compiled.statement(ROWS);
  return { sql, params: compiled.paramsFor(sql) };
}

describe('filters', () => {
  it('bounds the time range and orders newest first with one row more than the limit', () => {
    const { sql, params } = statement('');
    expect(sql).toBe('SELECT COLS FROM ROWS AS e WHERE TS >= :p0<integer> AND TS < :p1<integer> ORDER BY TS DESC LIMIT :p2<integer>');
    expect(params).toEqual({ p0: T0, p1: T0 + 86_400_000, p2: 101 });
  });

  it('compiles field:value to a case-insensitive comparison of any value, never NULL', () => {
    const { sql, params } = statement('user.name:Alice');
    expect(sql).toContain('COALESCE(ANY[user.name](LOWER(v) = LOWER(:p2<text>)), FALSE)');
    expect(params.p2).toBe('Alice');
  });

  it('compiles field wildcards to an anchored LIKE pattern, escaping LIKE characters', () => {
    expect(statement('user.name:adm*').params.p2).toBe('adm%');
    expect(statement('user.name:a?m').params.p2).toBe('a_m');
    expect(statement('user.name:"50%_off"').params.p2).toBe('50%_off');
  });

  it('compiles free text to a word match: the regex and its case-insensitive prefilter', () => {
    const text = statement('"Access Denied"');
    expect(text.sql).toContain('COALESCE(WORDS(:p2<text>, :p3<text>), FALSE)');
    expect(text.params.p2).toBe('(?:^|[^\\p{L}\\p{N}_])access denied(?:$|[^\\p{L}\\p{N}_])');
    expect(text.params.p3).toBe('(?i:access den[i\u0130]ed)');
    expect(statement('?').sql).toContain('WORDS(:p2<text>, -)');
  });

  it('lists the plain free-text terms every match must contain, for a word index', () => {
    expect(compile('Failed "Access Denied" user.name:x').indexTerms).toEqual(['failed', 'access denied']);
    expect(compile('failed adm*').indexTerms).toEqual(['failed']);
    expect(compile('(a AND (b c)) OR d').indexTerms).toEqual([]);
    expect(compile('a NOT b').indexTerms).toEqual(['a']);
    expect(compile('user.name:x').indexTerms).toEqual([]);
  });

  it('keeps NOT two-valued so events without the field match', () => {
    expect(statement('NOT user.name:x').sql).toContain('(NOT COALESCE(ANY[user.name](LOWER(v) = LOWER(:p2<text>)), FALSE))');
  });

  it('compiles and, or, exists and all', () => {
    const { sql } = statement('(a:1 OR b:*) AND *');
    expect(sql).toContain('((COALESCE(ANY[a](LOWER(v) = LOWER(:p2<text>)), FALSE) OR COALESCE(ANY[b](v IS NOT NULL), FALSE)) AND TRUE)');
  });

  it('compares ranges numerically for numbers and as text otherwise', () => {
    const numeric = statement('http.status:>=400');
    expect(numeric.sql).toContain('ANY[http.status](NUM(v) >= :p2<float>)');
    expect(numeric.params.p2).toBe(400);
    const text = statement('version:<"b"');
    expect(text.sql).toContain('ANY[version](v < :p2<text>)');
  });

  it('compiles CIDR to the range of parsed addresses', () => {
    const v4 = statement('source.ip:10.0.0.0/8');
    expect(v4.sql).toContain('ANY[source.ip](IP4(v) BETWEEN :p2<integer> AND :p3<integer>)');
    expect([v4.params.p2, v4.params.p3]).toEqual([0x0a000000, 0x0affffff]);
    const v6 = statement('source.ip:2001:db8::/32');
    expect(v6.sql).toContain('IP6(v) BETWEEN :p2<text> AND :p3<text>');
    expect([v6.params.p2, v6.params.p3]).toEqual(['20010db8000000000000000000000000', '20010db8ffffffffffffffffffffffff']);
  });

  it('maps @timestamp to the event time, with ISO times as ms', () => {
    const { sql, params } = statement('@timestamp:>="2026-11-23T01:00:00Z"');
    expect(sql).toContain('TS >= :p2<integer>');
    expect(params.p2).toBe(T0 + 3_600_000);
    expect(() => compile('@timestamp:>="soon"')).toThrow(QuerySyntaxError);
  });

  it('lets the executor read partitions newest first only for a plain filter', () => {
    expect(compile('a:1').newestFirstLimit).toBe(101);
    expect(compile('a:1 | head 5').newestFirstLimit).toBe(5);
    expect(compile('a:1 | where b > 2').newestFirstLimit).toBe(101);
    expect(compile('a:1 | sort b').newestFirstLimit).toBeUndefined();
    expect(compile('a:1 | head 5 | where b > 2').newestFirstLimit).toBeUndefined();
  });
});

describe('stages', () => {
  it('applies where after head to the head\'s output', () => {
    const { sql } = statement('| head 5 | where b = "x"');
    expect(sql.replace(/:p\d+/g, ':p')).toBe('SELECT COLS FROM (SELECT * FROM ROWS AS s0 WHERE TS >= :p<integer> AND TS < :p<integer> ORDER BY TS DESC LIMIT :p<integer>) AS e'
      + ' WHERE COALESCE(ANY[b](v = :p<text>), FALSE) ORDER BY TS DESC LIMIT :p<integer>');
  });

  it('sorts numbers numerically, then text, newest first among equals', () => {
    expect(statement('| sort -n, name').sql).toContain('ORDER BY NUM(TEXT[n]) DESC NULLS LAST, TEXT[n] DESC NULLS LAST, NUM(TEXT[name]) ASC NULLS LAST, TEXT[name] ASC NULLS LAST, TS DESC');
  });

  it('compiles stats in two steps: events grouped on field keys with partial aggregates, then each value apart', () => {
    const compiled = compile('| stats count(), dc(user.name) as users, avg(bytes), values(host.name) by host.name');
    expect(compiled.kind).toBe('table');
    expect(compiled.columns).toEqual(['host.name', 'count', 'users', 'avg(bytes)', 'values(host.name)']);
    const sql = compiled.statement(ROWS);
    // Keys of the group field and of dc/values fields (a shared key once); numbers as partials.
    expect(sql).toContain('(SELECT KEY[host.name] AS "__k0", FLAG AS "__k1", KEY[user.name] AS "__k2", count(*) AS "__n", sum(NUM(TEXT[bytes])) AS "__p1", count(NUM(TEXT[bytes])) AS "__p2" FROM (SELECT * FROM ROWS');
    expect(sql).toContain(') AS a WHERE KEY[host.name] IS NOT NULL GROUP BY 1, 2, 3) AS x0)');
    // The grouped rows expanded to one per host.name value (events without one left out), then to
    // one per value of each dc/values field, whose first values alone carry count and sum.
    expect(sql).toContain('(SELECT *, UNNEST_INDEXES(LIST("__k0", "__k1")) AS "__i1" FROM (SELECT *, UNNEST_INDEXES(LIST("__k2", "__k1")) AS "__i0" FROM '
      + '(SELECT *, UNNEST(LIST("__k0", "__k1")) AS "__g0" FROM (SELECT KEY[host.name]');
    expect(sql).toContain('SELECT "__g0" AS "host.name", COALESCE(sum(CASE WHEN "__i0" = 1 AND "__i1" = 1 THEN "__n" END), 0) AS "count", '
      + 'DC(ELEMENT(LIST("__k2", "__k1"), "__i0")) AS "users", '
      + 'sum(CASE WHEN "__i0" = 1 AND "__i1" = 1 THEN "__p1" END) / NULLIF(sum(CASE WHEN "__i0" = 1 AND "__i1" = 1 THEN "__p2" END), 0) AS "avg(bytes)", '
      + 'VALUES(ELEMENT(LIST("__k0", "__k1"), "__i1"), 100) AS "values(host.name)"');
    expect(sql).toContain('WHERE "__g0" IS NOT NULL GROUP BY 1)');
    expect(sql).toContain('ORDER BY "host.name" ASC NULLS LAST LIMIT');
  });

  it('groups on @timestamp and time buckets as single values, without expanding them', () => {
    const sql = compile('| stats dc(@timestamp), values(@timestamp), min(@timestamp) by @timestamp').statement(ROWS);
    expect(sql).toContain('SELECT TS_MS AS "__k0", count(*) AS "__n", min(TS_MS) AS "__p1"');
    expect(sql).toContain('SELECT "__k0" AS "@timestamp", DC("__k0") AS "dc(@timestamp)", VALUES(STR("__k0"), 100) AS "values(@timestamp)", min("__p1") AS "min(@timestamp)"');
    expect(sql).not.toContain('UNNEST');
  });

  it('compiles top with counts, percentages and a rank per group', () => {
    const compiled = compile('| top 3 user.name by host.name');
    expect(compiled.columns).toEqual(['host.name', 'user.name', 'count', 'percent']);
    const { sql, params } = { sql: compiled.statement(ROWS), params: compiled.paramsFor(compiled.statement(ROWS)) };
    expect(sql).toContain('row_number() OVER (PARTITION BY "host.name" ORDER BY "count" DESC, "user.name" ASC)');
    expect(sql).toContain('100.0 * "count" / sum("count") OVER (PARTITION BY "host.name")');
    // One expansion per level, so two multi-valued fields give every combination of their values.
    expect(sql).toContain('(SELECT *, UNNEST(LIST("__k2", "__k1")) AS "__g1" FROM (SELECT *, UNNEST(LIST("__k0", "__k1")) AS "__g0" FROM');
    expect(sql).toContain('SELECT "__g0" AS "host.name", "__g1" AS "user.name", COALESCE(sum("__n"), 0) AS "count"');
    expect(Object.values(params)).toContain(3);
  });

  it('compiles timechart over a series of every bucket, counts filled with 0', () => {
    const compiled = compile('| timechart span=1h count(), max(bytes) by host.name');
    expect(compiled.columns).toEqual(['_time', 'host.name', 'count', 'max(bytes)']);
    const sql = compiled.statement(ROWS);
    expect(sql).toContain('FROM SERIES(');
    expect(sql).toContain('COALESCE(c."count", 0) AS "count", c."max(bytes)" AS "max(bytes)"');
    expect(Object.values(compiled.paramsFor(sql))).toContain(3_600_000);
    expect(() => compile('| timechart span=1s count()', { ...OPTIONS, to: T0 + 7 * 86_400_000 })).toThrow(/buckets/);
  });

  it('runs where, sort, head and fields on the table by column', () => {
    const compiled = compile('| stats count() as n by host.name | where n > 5 | sort -n | head 3 | fields host.name');
    expect(compiled.columns).toEqual(['host.name']);
    const sql = compiled.statement(ROWS);
    expect(sql).toMatch(/^SELECT "host.name" FROM \(SELECT .*\) AS r WHERE COALESCE\(NUM\(STR\("n"\)\) > :p\d+<float>, FALSE\) ORDER BY NUM\(STR\("n"\)\) DESC NULLS LAST, STR\("n"\) DESC NULLS LAST LIMIT :p\d+<integer>$/);
    expect(compiled.rowLimit).toBe(3);
  });

  it('counts the filter per bucket for the histogram', () => {
    const compiled = compile('a:1 | where b > 2 | head 5');
    const sql = compiled.histogram(ROWS, 60_000);
    expect(sql).toBe(`SELECT BUCKET(TS_MS, :p5<integer>) AS t, count(*) AS n FROM ROWS AS h WHERE ${compiled.filter} GROUP BY 1 ORDER BY 1`);
    expect(compiled.filter).toContain('ANY[b](NUM(v) > :p3<float>)');
    expect(compiled.statement(ROWS)).toContain('ANY[b](NUM(v) > :p3<float>)');
  });
});

describe('values never reach the SQL text', () => {
  const span: Span = { start: 0, end: 1 };
  const value = (text: string, parts: PatternPart[] = [{ kind: 'literal', text }]): MatchValue => ({
    text, parts, hasWildcards: parts.some((p) => p.kind !== 'literal'), quoted: true, span,
  });
  // ⟦ ⟧ never occur in compiled SQL, so any trace of a value in the text shows.
  const hostile = fc.string({ unit: 'binary', maxLength: 40 }).map((s) => `⟦${s}⟧`);
  const field = { name: 'user.name', span };

  it('binds every filter and where value as a parameter', () => {
    fc.assert(fc.property(hostile, hostile, hostile, (a, b, c) => {
      const filter: FilterExpr = {
        kind: 'and', span, children: [
          { kind: 'text', value: value(a), span },
          { kind: 'match', field, value: value(b), span },
          { kind: 'match', field, value: value(c, [{ kind: 'literal', text: c }, { kind: 'anyChars' }]), span },
          { kind: 'range', field, op: '>=', value: a, span },
        ],
      };
      const where: WhereExpr = {
        kind: 'or', span, children: [
          { kind: 'compare', field, op: '!=', value: b, span },
          { kind: 'like', field, pattern: value(c, [{ kind: 'anyChars' }, { kind: 'literal', text: c }]), span },
        ],
      };
      const stages: Stage[] = [{ kind: 'where', condition: where, span }, { kind: 'stats', aggregations: [{ fn: 'count', field: undefined, as: 'n', named: true, span }], by: [field], span }, { kind: 'where', condition: { kind: 'compare', field: { name: 'n', span }, op: '=', value: a, span }, span }];
      for (const query of [{ filter, stages: stages.slice(0, 1), span }, { filter, stages, span }] satisfies Query[]) {
        const compiled = compileSearch(query, testDialect, OPTIONS);
        const sql = compiled.statement(ROWS) + compiled.histogram(ROWS, 60_000);
        expect(sql).not.toMatch(/[⟦⟧]/);
        const bound = Object.values(compiled.paramsFor(sql)).join('\n');
        for (const v of [a, b]) expect(bound).toContain(v);
      }
    }));
  });
});
