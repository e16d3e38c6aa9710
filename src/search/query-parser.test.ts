import { describe, expect, it } from 'vitest';
import type { FilterExpr, Query } from './query-ast.ts';
import { QuerySyntaxError } from './query-error.ts';
import { parseQuery } from './query-parser.ts';
import { validateForTimeRange } from './query-validate.ts';

/** The tree without spans, for comparing shapes. */
function shape(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(shape);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([k, v]) => k !== 'span' && v !== undefined).map(([k, v]) => [k, shape(v)]));
  }
  return value;
}

const filter = (text: string): unknown => shape(parseQuery(text).filter);
const stages = (text: string): unknown => shape(parseQuery(text).stages);

/** The error a query gets: message, and the text the span covers. */
function failure(text: string): { message: string; at: string; position: { start: number; end: number } } {
  try {
    parseQuery(text);
  } catch (error) {
    if (!(error instanceof QuerySyntaxError)) throw error;
    return { message: error.message, at: text.slice(error.position.start, error.position.end), position: error.position };
  }
  throw new Error(`expected ${JSON.stringify(text)} to fail`);
}

const lit = (text: string) => ({ kind: 'literal', text });
const word = (text: string) => ({ text, hasWildcards: false, parts: [lit(text)], quoted: false });
const phrase = (text: string) => ({ text, hasWildcards: false, parts: [lit(text)], quoted: true });
const text = (w: string) => ({ kind: 'text', value: word(w) });
const field = (name: string) => ({ name });

describe('search part', () => {
  it('parses an empty query and a query of stages only as no filter', () => {
    expect(parseQuery('')).toEqual({ filter: undefined, stages: [], span: { start: 0, end: 0 } });
    expect(parseQuery('   ').filter).toBeUndefined();
    expect(parseQuery('| head 5').filter).toBeUndefined();
  });

  it('parses free-text words and phrases, ANDed implicitly', () => {
    expect(filter('error')).toEqual(text('error'));
    expect(filter('"access denied"')).toEqual({ kind: 'text', value: phrase('access denied') });
    expect(filter('failed "access denied"  login')).toEqual({ kind: 'and', children: [text('failed'), { kind: 'text', value: phrase('access denied') }, text('login')] });
  });

  it('parses * alone as every event', () => {
    expect(filter('*')).toEqual({ kind: 'all' });
  });

  it('parses field:value, field:"phrase" and field: value with a space', () => {
    const match = { kind: 'match', field: field('user.name'), value: word('root') };
    expect(filter('user.name:root')).toEqual(match);
    expect(filter('user.name: root')).toEqual(match);
    expect(filter('user.name:"John Smith"')).toEqual({ kind: 'match', field: field('user.name'), value: phrase('John Smith') });
    expect(filter('@timestamp:x')).toEqual({ kind: 'match', field: field('@timestamp'), value: word('x') });
  });

  it('splits wildcard values into literal parts and wildcard tokens', () => {
    expect(filter('user.name:adm*')).toEqual({
      kind: 'match', field: field('user.name'),
      value: { text: 'adm*', hasWildcards: true, parts: [lit('adm'), { kind: 'anyChars' }], quoted: false },
    });
    expect(filter('file.name:a?c**d')).toMatchObject({
      value: { hasWildcards: true, parts: [lit('a'), { kind: 'oneChar' }, lit('c'), { kind: 'anyChars' }, lit('d')] },
    });
    expect(filter('*admin*')).toEqual({ kind: 'text', value: { text: '*admin*', hasWildcards: true, parts: [{ kind: 'anyChars' }, lit('admin'), { kind: 'anyChars' }], quoted: false } });
  });

  it('keeps * and ? literal in phrases and when escaped', () => {
    expect(filter('f:"a*b?"')).toMatchObject({ value: { text: 'a*b?', hasWildcards: false, parts: [lit('a*b?')] } });
    expect(filter('f:a\\*b')).toMatchObject({ value: { text: 'a*b', hasWildcards: false, parts: [lit('a*b')] } });
    expect(filter('f:\\*')).toMatchObject({ kind: 'match', value: { text: '*', hasWildcards: false } });
  });

  it('unescapes backslashes in terms and phrases', () => {
    expect(filter('c\\:\\\\temp\\ dir')).toEqual(text('c:\\temp dir'));
    expect(filter('"say \\"hi\\" \\\\o/"')).toEqual({ kind: 'text', value: phrase('say "hi" \\o/') });
    expect(filter('\\-x')).toEqual(text('-x'));
    expect(filter('\\OR')).toEqual(text('OR'));
  });

  it('keeps colons after the first in the value (IPv6 addresses, times)', () => {
    expect(filter('source.ip:fe80::1')).toEqual({ kind: 'match', field: field('source.ip'), value: word('fe80::1') });
    expect(filter('t:10:30')).toEqual({ kind: 'match', field: field('t'), value: word('10:30') });
  });

  it('parses ranges with numbers and text', () => {
    expect(filter('http.response.status_code:>=400')).toEqual({ kind: 'range', field: field('http.response.status_code'), op: '>=', value: 400 });
    expect(filter('bytes:<10.5')).toEqual({ kind: 'range', field: field('bytes'), op: '<', value: 10.5 });
    expect(filter('n:>-3')).toEqual({ kind: 'range', field: field('n'), op: '>', value: -3 });
    expect(filter('n:<=-0')).toEqual({ kind: 'range', field: field('n'), op: '<=', value: 0 });
    expect(filter('@timestamp:>=2024-05-01')).toEqual({ kind: 'range', field: field('@timestamp'), op: '>=', value: '2024-05-01' });
    expect(filter('v:>="400"')).toEqual({ kind: 'range', field: field('v'), op: '>=', value: '400' });
    expect(filter('v:>="a b"')).toEqual({ kind: 'range', field: field('v'), op: '>=', value: 'a b' });
  });

  it('parses IPv4 and IPv6 CIDRs into canonical networks', () => {
    expect(filter('source.ip:10.0.0.0/8')).toEqual({
      kind: 'cidr', field: field('source.ip'), family: 4, network: '10.0.0.0', prefixLength: 8, first: '10.0.0.0', last: '10.255.255.255',
    });
    expect(filter('source.ip:192.168.1.77/24')).toMatchObject({ network: '192.168.1.0', first: '192.168.1.0', last: '192.168.1.255' });
    expect(filter('source.ip:010.1.2.3/32')).toMatchObject({ network: '10.1.2.3', last: '10.1.2.3' });
    expect(filter('source.ip:0.0.0.0/0')).toMatchObject({ first: '0.0.0.0', last: '255.255.255.255' });
    expect(filter('destination.ip:2001:DB8:1::5/32')).toEqual({
      kind: 'cidr', field: field('destination.ip'), family: 6, network: '2001:db8::', prefixLength: 32, first: '2001:db8::', last: '2001:db8:ffff:ffff:ffff:ffff:ffff:ffff',
    });
    expect(filter('url.path:a/b')).toMatchObject({ kind: 'match' });
    expect(filter('d:12/25')).toMatchObject({ kind: 'match' });
    expect(filter('source.ip:10.0.0.0\\/8')).toMatchObject({ kind: 'match', value: { text: '10.0.0.0/8' } });
  });

  it('parses field:* as exists', () => {
    expect(filter('process.command_line:*')).toEqual({ kind: 'exists', field: field('process.command_line') });
  });

  it('parses AND, OR, NOT in any case with NOT > AND > OR', () => {
    expect(filter('a OR b c')).toEqual({ kind: 'or', children: [text('a'), { kind: 'and', children: [text('b'), text('c')] }] });
    expect(filter('a and b or not c')).toEqual({ kind: 'or', children: [{ kind: 'and', children: [text('a'), text('b')] }, { kind: 'not', child: text('c') }] });
    expect(filter('NOT a b')).toEqual({ kind: 'and', children: [{ kind: 'not', child: text('a') }, text('b')] });
    expect(filter('(a OR b) c')).toEqual({ kind: 'and', children: [{ kind: 'or', children: [text('a'), text('b')] }, text('c')] });
    expect(filter('a OR b OR c')).toEqual({ kind: 'or', children: [text('a'), text('b'), text('c')] });
    expect(filter('a (b c)')).toEqual({ kind: 'and', children: [text('a'), text('b'), text('c')] });
    expect(filter('"and"')).toEqual({ kind: 'text', value: phrase('and') });
  });

  it('parses -term, -"phrase" and -(group) as NOT; a - inside a value is literal', () => {
    expect(filter('-error')).toEqual({ kind: 'not', child: text('error') });
    expect(filter('-"a b"')).toEqual({ kind: 'not', child: { kind: 'text', value: phrase('a b') } });
    expect(filter('-(a OR b)')).toEqual({ kind: 'not', child: { kind: 'or', children: [text('a'), text('b')] } });
    expect(filter('-user.name:root')).toEqual({ kind: 'not', child: { kind: 'match', field: field('user.name'), value: word('root') } });
    expect(filter('n:-5')).toEqual({ kind: 'match', field: field('n'), value: word('-5') });
    expect(filter('web-1')).toEqual(text('web-1'));
  });

  it('parses field:(a OR b) as alternatives of the same field', () => {
    const m = (v: string) => ({ kind: 'match', field: field('host.name'), value: word(v) });
    expect(filter('host.name:(web-1 OR web-2)')).toEqual({ kind: 'or', children: [m('web-1'), m('web-2')] });
    expect(filter('host.name:(web-1 -web-2 "x y")')).toEqual({
      kind: 'and', children: [m('web-1'), { kind: 'not', child: m('web-2') }, { kind: 'match', field: field('host.name'), value: phrase('x y') }],
    });
    expect(filter('n:(>5 <10)')).toMatchObject({ kind: 'and', children: [{ kind: 'range', op: '>', value: 5 }, { kind: 'range', op: '<', value: 10 }] });
  });

  it('gives every node the span of its source text', () => {
    const q = 'a user.name:"x y" -b';
    const f = parseQuery(q).filter as Extract<FilterExpr, { kind: 'and' }>;
    const at = (s: { start: number; end: number }) => q.slice(s.start, s.end);
    expect(f.children.map((c) => at(c.span))).toEqual(['a', 'user.name:"x y"', '-b']);
    const match = f.children[1] as Extract<FilterExpr, { kind: 'match' }>;
    expect(at(match.field.span)).toBe('user.name');
    expect(at(match.value.span)).toBe('"x y"');
    const escaped = parseQuery('a\\.b:c').filter as Extract<FilterExpr, { kind: 'match' }>;
    expect(escaped.field).toEqual({ name: 'a.b', span: { start: 0, end: 4 } });
  });
});

describe('stages', () => {
  it('parses where with comparisons, like, and/or/not and parentheses', () => {
    expect(stages('| where status >= 400 and user.name = "root" or not (x like "a*" or n != -1.5)')).toEqual([{
      kind: 'where',
      condition: {
        kind: 'or',
        children: [
          { kind: 'and', children: [
            { kind: 'compare', field: field('status'), op: '>=', value: 400 },
            { kind: 'compare', field: field('user.name'), op: '=', value: 'root' },
          ] },
          { kind: 'not', child: { kind: 'or', children: [
            { kind: 'like', field: field('x'), pattern: { text: 'a*', hasWildcards: true, parts: [lit('a'), { kind: 'anyChars' }], quoted: true } },
            { kind: 'compare', field: field('n'), op: '!=', value: -1.5 },
          ] } },
        ],
      },
    }]);
    expect(stages('| where ok == TRUE')).toEqual([{ kind: 'where', condition: { kind: 'compare', field: field('ok'), op: '=', value: true } }]);
    expect(stages('| WHERE a < 1 AND b > 2')).toMatchObject([{ condition: { kind: 'and' } }]);
  });

  it('parses fields to keep and to drop', () => {
    expect(stages('| fields host.name, user.name message')).toEqual([{ kind: 'fields', mode: 'keep', fields: [field('host.name'), field('user.name'), field('message')] }]);
    expect(stages('| fields - message')).toEqual([{ kind: 'fields', mode: 'drop', fields: [field('message')] }]);
    expect(stages('| fields + a')).toEqual([{ kind: 'fields', mode: 'keep', fields: [field('a')] }]);
  });

  it('parses sort with -field and asc/desc', () => {
    expect(stages('| sort -a, b, c desc, d asc +e')).toEqual([{ kind: 'sort', keys: [
      { field: field('a'), descending: true }, { field: field('b'), descending: false }, { field: field('c'), descending: true },
      { field: field('d'), descending: false }, { field: field('e'), descending: false },
    ] }]);
  });

  it('parses head with and without a number', () => {
    expect(stages('| head')).toEqual([{ kind: 'head', limit: 10 }]);
    expect(stages('| head 250')).toEqual([{ kind: 'head', limit: 250 }]);
  });

  it('parses stats with every function, as-names and by fields', () => {
    expect(stages('| stats count, count() as n, dc(user.name), min(a), max(a) as top, avg(a), sum(a), values(b) by host.name, event.code')).toEqual([{
      kind: 'stats',
      aggregations: [
        { fn: 'count', as: 'count', named: false },
        { fn: 'count', as: 'n', named: true },
        { fn: 'dc', field: field('user.name'), as: 'dc(user.name)', named: false },
        { fn: 'min', field: field('a'), as: 'min(a)', named: false },
        { fn: 'max', field: field('a'), as: 'top', named: true },
        { fn: 'avg', field: field('a'), as: 'avg(a)', named: false },
        { fn: 'sum', field: field('a'), as: 'sum(a)', named: false },
        { fn: 'values', field: field('b'), as: 'values(b)', named: false },
      ],
      by: [field('host.name'), field('event.code')],
    }]);
    expect(stages('| stats count() dc(x)')).toMatchObject([{ aggregations: [{ fn: 'count' }, { fn: 'dc' }], by: [] }]);
  });

  it('parses timechart with and without span, with one by field', () => {
    expect(stages('| timechart span=5m count() by event.outcome')).toEqual([{
      kind: 'timechart', spanMs: 300_000, aggregations: [{ fn: 'count', as: 'count', named: false }], by: field('event.outcome'),
    }]);
    expect(stages('| timechart count, avg(bytes)')).toMatchObject([{ kind: 'timechart', aggregations: [{ fn: 'count' }, { fn: 'avg' }] }]);
    expect((parseQuery('| timechart count').stages[0] as { spanMs?: number }).spanMs).toBeUndefined();
    for (const [span, ms] of [['1s', 1000], ['30sec', 30_000], ['10min', 600_000], ['2h', 7_200_000], ['1hr', 3_600_000], ['1d', 86_400_000]] as const) {
      expect(stages(`| timechart span=${span} count()`)).toMatchObject([{ spanMs: ms }]);
    }
  });

  it('parses top and rare with a count, limit= and by', () => {
    expect(stages('| top user.name')).toEqual([{ kind: 'top', limit: 10, field: field('user.name'), by: [] }]);
    expect(stages('| top 5 user.name by host.name')).toEqual([{ kind: 'top', limit: 5, field: field('user.name'), by: [field('host.name')] }]);
    expect(stages('| top limit=3 a')).toEqual([{ kind: 'top', limit: 3, field: field('a'), by: [] }]);
    expect(stages('| rare process.name by host.name, user.name')).toEqual([{ kind: 'rare', limit: 10, field: field('process.name'), by: [field('host.name'), field('user.name')] }]);
  });

  it('lets stages after an aggregation name its columns, including as aggregations', () => {
    expect(stages('| stats dc(user.name) by host.name | where dc(user.name) > 5 | sort -dc(user.name) | fields host.name')).toMatchObject([
      { kind: 'stats' },
      { kind: 'where', condition: { field: field('dc(user.name)') } },
      { kind: 'sort', keys: [{ field: field('dc(user.name)'), descending: true }] },
      { kind: 'fields', fields: [field('host.name')] },
    ]);
    expect(stages('| stats count by a | where count() > 1 | sort -count')).toMatchObject([{}, { condition: { field: field('count') } }, { keys: [{ field: field('count') }] }]);
    expect(stages('| top a | sort percent | fields a, count')).toHaveLength(3);
    expect(stages('| timechart span=1h count | sort _time')).toHaveLength(2);
  });

  it('runs event stages in any order', () => {
    expect(stages('error | where a > 1 | fields a, b | sort -a | head 5 | where b = "x"')).toHaveLength(5);
  });

  it('accepts command names and keywords in any case', () => {
    expect(stages('| STATS COUNT() BY a | SORT a DESC | HEAD 2')).toMatchObject([{ kind: 'stats' }, { kind: 'sort', keys: [{ descending: true }] }, { kind: 'head', limit: 2 }]);
  });
});

/** Each case: query, message, and the exact text the error's span covers. */
const ERRORS: [query: string, message: string, at: string][] = [
  ['user.name:', 'expected a value after `user.name:`', 'user.name:'],
  ['user.name: | head', 'expected a value after `user.name:`', 'user.name:'],
  ['user.name: OR x', 'expected a value after `user.name:` (to search for the word `OR`, quote it)', 'user.name: OR'],
  ['"abc', 'unclosed quote: add a closing `"`', '"abc'],
  ['a "b', 'unclosed quote: add a closing `"`', '"b'],
  ['abc\\', 'a backslash at the end escapes nothing: write `\\\\` for a backslash', '\\'],
  ['a OR', 'expected a search term after `OR`', 'OR'],
  ['a AND', 'expected a search term after `AND`', 'AND'],
  ['NOT', 'expected a search term after `NOT`', 'NOT'],
  ['OR a', '`OR` needs a search term on both sides (to search for the word itself, quote it)', 'OR'],
  ['a OR AND b', '`AND` needs a search term on both sides (to search for the word itself, quote it)', 'AND'],
  ['(a b', 'missing `)` to close this `(`', '('],
  ['a b)', 'unexpected `)`: there is no `(` to close', ')'],
  ['a ()', 'empty parentheses: put a search term between `(` and `)`', '()'],
  ['- a', '`-` excludes what follows it directly, as in `-error` or `-"access denied"`', '-'],
  [':x', 'expected a field name before `:` (write field:value, with no space before the colon)', ':'],
  ['user.name : x', 'expected a field name before `:` (write field:value, with no space before the colon)', ':'],
  ['a/b:c', '`a/b` is not a field name (letters, digits, `_`, `@`, `.`, `-`); to search for text with a colon, quote it or write `\\:`', 'a/b'],
  ['.x:1', '`.x` is not a field name (letters, digits, `_`, `@`, `.`, `-`); to search for text with a colon, quote it or write `\\:`', '.x'],
  ['n:>=', 'expected a number or text after `n:>=`', 'n:>='],
  ['n:>4*', 'a range compares with one value: `*` and `?` are not wildcards here (escape them as `\\*`, `\\?`)', '>4*'],
  ['source.ip:10.0.0.0/33', '`10.0.0.0/33`: an IPv4 prefix length is 0 to 32', '10.0.0.0/33'],
  ['source.ip:10.0.0.300/8', '`10.0.0.300/8` is not an IPv4 network: each part is 0 to 255', '10.0.0.300/8'],
  ['source.ip:fe80:::1/64', '`fe80:::1/64` is not an IPv6 network', 'fe80:::1/64'],
  ['source.ip:fe80::/129', '`fe80::/129`: an IPv6 prefix length is 0 to 128', 'fe80::/129'],
  ['a || b', 'expected a command after `|`: where, fields, sort, head, stats, timechart, top, rare (for "or", write OR)', '|'],
  ['a |', 'expected a command after `|`: where, fields, sort, head, stats, timechart, top, rare', '|'],
  ['| stat count', 'unknown command `stat` — did you mean `stats`?', 'stat'],
  ['| sotr a', 'unknown command `sotr` — did you mean `sort`?', 'sotr'],
  ['| frobnicate', 'unknown command `frobnicate` (commands: where, fields, sort, head, stats, timechart, top, rare)', 'frobnicate'],
  ['| search x', 'unknown command `search`: write the search before the first `|`, or filter with `| where`', 'search'],
  ['| stats dc', '`dc` needs a field: dc(user.name)', 'dc'],
  ['| stats dc()', '`dc` needs a field: dc(user.name)', 'dc()'],
  ['| stats count(x)', '`count()` counts events and takes no field: to count events that have it, search `x:*` first', 'x'],
  ['| stats cnt()', 'unknown function `cnt` — did you mean `count`?', 'cnt'],
  ['| stats median(x)', 'unknown function `median` (functions: count, dc, min, max, avg, sum, values)', 'median'],
  ['| stats', '`stats` needs an aggregation such as count() (as in: stats count(), dc(user.name) as users by host.name)', 'stats'],
  ['| stats by a', '`stats` needs an aggregation such as count() (as in: stats count(), dc(user.name) as users by host.name)', 'by'],
  ['| stats min(a', 'missing `)` after `min(a`', 'min(a'],
  ['| stats count() as', 'expected a column name after `as` (letters, digits, `_`, `@`, `.`, `-`)', 'as'],
  ['| stats count() by', 'expected a field name after `by` (as in: stats count(), dc(user.name) as users by host.name)', 'by'],
  ['| head 0', '`head` takes a number from 1 to 10000, not `0`', '0'],
  ['| head 10001', '`head` takes a number from 1 to 10000, not `10001`', '10001'],
  ['| head ten', '`head` takes a number from 1 to 10000, not `ten`', 'ten'],
  ['| head 5 6', 'unexpected `6` in `head` (as in: head 20)', '6'],
  ['| top 0 a', '`top` takes a number from 1 to 1000, not `0`', '0'],
  ['| rare limit=5000 a', '`rare limit=` takes a number from 1 to 1000, not `5000`', '5000'],
  ['| top', 'expected a field name after `top` (as in: top 10 user.name by host.name)', 'top'],
  ['| timechart span=5x count()', '`5x` is not a span: write a number and a unit s, m, h or d, as in span=5m', '5x'],
  ['| timechart span=2d count()', 'the timechart span must be from 1s to 1d', '2d'],
  ['| timechart span count()', 'expected `span=` and a value, as in span=5m', 'span count'],
  ['| timechart count() by a, b', '`timechart` splits by one field only; for more, use `| stats ... by`', ','],
  ['| where', 'expected a condition after `where`, as in: status >= 400', 'where'],
  ['| where a', 'expected a comparison after `a`: =, !=, <, <=, >, >= or like', 'a'],
  ['| where a = root', '`root` is not a value: quote text, as in "root"', 'root'],
  ['| where a = ', 'expected a number or a quoted text after `=`', '='],
  ['| where a = 1 b = 2', 'expected `and`, `or` or `|` before `b`', 'b'],
  ['| where (a = 1', 'missing `)` to close this `(`', '('],
  ['| where a like b', '`like` takes a quoted pattern, as in: user.name like "adm*"', 'b'],
  ['| where a ! 1', 'unexpected `!`: write `!=` to compare, or `not` to negate', '!'],
  ['| where user.name:"x"', 'unexpected character `:` (after `|`, compare with `=`, as in `| where user.name = "root"`)', ':'],
  ['| stats count(*)', 'unexpected character `*` (after `|`, write count() for a count, and wildcards as `like "adm*"`)', '*'],
  ['| sort -a desc', 'write either `-field` or `field desc`, not both', '- a desc'.replace('- ', '-')],
  ['| fields', 'expected a field name after `fields` (as in: fields host.name, user.name  or  fields - message)', 'fields'],
  ['| fields a, a', '`a` is listed twice', 'a'],
  ['| stats count() | stats count()', 'only one of stats, timechart, top, rare per query: this `stats` follows `stats`', 'stats count()'],
  ['| head 5 | stats count()', '`head` before `stats` is not supported: filter with the search or `| where`, then put `head` after `stats`', 'head 5'],
  ['| sort a | top b', '`sort` before `top` is not supported: filter with the search or `| where`, then put `sort` after `top`', 'sort a'],
  ['| stats count() by host.name | sort -host', 'unknown column `host` after `stats`: the columns are host.name, count', 'host'],
  ['| stats count() as users | where dc(user.name) > 1', 'unknown column `dc(user.name)` after `stats`: the columns are users', 'dc(user.name)'],
  ['| where dc(x) > 1', '`dc(x)` is an aggregation: it exists only after `stats` or `timechart`', 'dc(x)'],
  ['| fields a, b | sort c', '`c` was left out by an earlier `fields`', 'c'],
  ['| fields - a | where a = 1', '`a` was dropped by an earlier `fields -`', 'a'],
  ['| stats count() by a | fields - a, count', '`fields -` would drop every column', 'fields - a, count'],
  ['| stats count(), count()', 'two columns would be named `count`: rename one with `as`, or list a field once', 'count()'],
  ['| stats count() as a by a', 'two columns would be named `a`: rename one with `as`, or list a field once', 'count() as a'],
  ['| top a by a', '`a` is both counted and in `by`', 'a'],
];

describe('errors', () => {
  it.each(ERRORS)('%s → %s', (query, message, at) => {
    const error = failure(query);
    expect(error.message).toBe(message);
    expect(error.at).toBe(at);
  });

  it('points past the end when the query stops early', () => {
    expect(failure('a |  ').position).toEqual({ start: 2, end: 3 });
  });

  it('refuses queries over the length, term and depth limits', () => {
    const long = failure(`${'a '.repeat(5001)}`);
    expect(long.message).toBe('the query is too long: at most 10000 characters, this one has 10002');
    expect(long.position).toEqual({ start: 10_000, end: 10_002 });
    const many = failure(Array.from({ length: 501 }, (_, i) => `t${i}`).join(' '));
    expect(many.message).toBe('the query has too many terms (at most 500): split it or use fewer alternatives');
    expect(many.at).toBe('t500');
    const deep = failure(`${'('.repeat(33)}a${')'.repeat(33)}`);
    expect(deep.message).toBe('the query is nested too deeply (at most 32 levels of parentheses and NOT)');
    expect(deep.position).toEqual({ start: 32, end: 33 });
    expect(failure(`${'NOT '.repeat(40)}a`).message).toContain('nested too deeply');
    expect(failure(`${'-'.repeat(40)}a`).message).toContain('nested too deeply');
    expect(failure(`| where ${'not '.repeat(40)}a = 1`).message).toContain('nested too deeply');
    expect(failure(Array.from({ length: 21 }, () => '| where a = 1').join(' ')).message).toBe('a query has at most 20 stages');
    expect(failure(`| stats ${Array.from({ length: 21 }, (_, i) => `count() as c${i}`).join(', ')}`).message).toBe('`stats` takes at most 20 aggregations');
    expect(failure('| stats count() by a, b, c, d, e, f').message).toBe('`stats ... by` takes at most 5 fields');
    expect(failure(`| fields ${Array.from({ length: 101 }, (_, i) => `f${i}`).join(', ')}`).message).toBe('`fields` takes at most 100 fields');
    expect(() => parseQuery(`${'('.repeat(32)}a${')'.repeat(32)}`)).not.toThrow();
  });
});

describe('the parsed tree', () => {
  it('is plain data that survives structured cloning (the store runs in a worker)', () => {
    const query: Query = parseQuery('a user.name:adm* source.ip:10.0.0.0/8 | stats count() by host.name | sort -count');
    expect(structuredClone(query)).toEqual(query);
  });
});

describe('validateForTimeRange', () => {
  it('refuses a timechart span that makes more than 2,000 buckets over the range, and allows one that does not', () => {
    const day = 86_400_000;
    const query = parseQuery('| timechart span=1m count()');
    expect(() => validateForTimeRange(query, { from: 0, to: day })).not.toThrow();
    let error: unknown;
    try {
      validateForTimeRange(query, { from: 0, to: 2 * day });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(QuerySyntaxError);
    expect((error as QuerySyntaxError).message).toBe('this span makes 2880 buckets over the time range (at most 2000): use a larger span or a shorter range');
    expect((error as QuerySyntaxError).position).toEqual({ start: 2, end: 27 });
    // Epoch-aligned buckets: a range of exactly 2,000 minutes that starts mid-minute touches 2,001.
    expect(() => validateForTimeRange(query, { from: 30_000, to: 30_000 + 2000 * 60_000 })).toThrow(QuerySyntaxError);
    expect(() => validateForTimeRange(parseQuery('| timechart count()'), { from: 0, to: 365 * day })).not.toThrow();
  });
});
