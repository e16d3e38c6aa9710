/**
 * Keeps docs/query-language.md true: every query in a `vql` block parses, every `vql-error` example
 * fails with exactly the documented message, every command has its section, and the limits table
 * shows the limits the parser enforces.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_HEAD, DEFAULT_TOP, MAX_AGGREGATIONS, MAX_DEPTH, MAX_GROUP_FIELDS, MAX_HEAD, MAX_LISTED_FIELDS, MAX_QUERY_LENGTH, MAX_STAGES,
  MAX_TERMS, MAX_TIMECHART_BUCKETS, MAX_TOP, MAX_VALUES_PER_GROUP,
} from '../../src/search/query-ast.ts';
import { QuerySyntaxError } from '../../src/search/query-error.ts';
import { parseQuery } from '../../src/search/query-parser.ts';
import { COMMAND_USAGE } from '../../src/search/query-stage-parser.ts';
import { parseTimeBound } from '../../src/search/time-range.ts';

const doc = readFileSync(new URL('../../docs/query-language.md', import.meta.url), 'utf8');

/** Bodies of the fenced blocks with this info string. */
function blocks(info: string): string[] {
  const found: string[] = [];
  let open: string[] | undefined;
  let openInfo = '';
  for (const line of doc.split('\n')) {
    if (open) {
      if (line.startsWith('```')) {
        if (openInfo === info) found.push(open.join('\n'));
        open = undefined;
      } else {
        open.push(line);
      }
    } else if (line.startsWith('```')) {
      openInfo = line.slice(3).trim();
      open = [];
    }
  }
  return found;
}

const format = (n: number): string => n.toLocaleString('en-US');

describe('docs/query-language.md', () => {
  it('has examples, and every query in a vql block parses', () => {
    const queries = blocks('vql').flatMap((body) => body.split('\n')).filter((line) => line.trim() !== '');
    expect(queries.length).toBeGreaterThan(50);
    for (const query of queries) {
      expect(() => parseQuery(query), query).not.toThrow();
    }
  });

  it('gives the documented message for every error example', () => {
    const examples = blocks('vql-error').flatMap((body) => body.split('\n\n')).map((pair) => pair.split('\n'));
    expect(examples.length).toBeGreaterThanOrEqual(8);
    for (const [query, message] of examples) {
      let error: unknown;
      try {
        parseQuery(query!);
      } catch (e) {
        error = e;
      }
      expect(error, query).toBeInstanceOf(QuerySyntaxError);
      expect((error as QuerySyntaxError).message, query).toBe(message);
    }
  });

  it('documents every command in its own section', () => {
    const headings = doc.split('\n').filter((l) => l.startsWith('### `')).flatMap((l) => l.match(/`([a-z]+)`/g)!.map((w) => w.slice(1, -1)));
    expect(new Set(headings)).toEqual(new Set(Object.keys(COMMAND_USAGE)));
  });

  it('shows the limits the parser enforces', () => {
    const row = (label: string): string => {
      const line = doc.split('\n').find((l) => l.startsWith(`| ${label} |`));
      if (!line) throw new Error(`no limits row "${label}"`);
      return line;
    };
    expect(row('Query length')).toContain(`${format(MAX_QUERY_LENGTH)} characters`);
    expect(row('Stages per query')).toContain(`| ${MAX_STAGES} |`);
    expect(row('Search and `where` terms per query')).toContain(`| ${MAX_TERMS} |`);
    expect(row('Nesting of parentheses and NOT')).toContain(`${MAX_DEPTH} levels`);
    expect(row('`head N`')).toContain(`1 to ${format(MAX_HEAD)} (default ${DEFAULT_HEAD})`);
    expect(row('`top N` / `rare N`')).toContain(`1 to ${format(MAX_TOP)} (default ${DEFAULT_TOP})`);
    expect(row('Aggregations per `stats` / `timechart`')).toContain(`| ${MAX_AGGREGATIONS} |`);
    expect(row('`by` fields')).toContain(`| ${MAX_GROUP_FIELDS} (`);
    expect(row('Fields per `fields` / `sort`')).toContain(`| ${MAX_LISTED_FIELDS} |`);
    expect(row('`timechart span=`')).toContain(`at most ${format(MAX_TIMECHART_BUCKETS)} buckets`);
    expect(row('`values(f)`')).toContain(`${MAX_VALUES_PER_GROUP} values`);
  });

  it('accepts every time form the time range table shows', () => {
    const table = doc.slice(doc.indexOf('## Time range'), doc.indexOf('## Search'));
    const examples = table.split('\n').filter((l) => /^\| (`now`|relative|ISO|ms)/.test(l)).flatMap((l) => l.split('|')[2]!.match(/`[^`]+`/g)!.map((w) => w.slice(1, -1)));
    expect(examples.length).toBeGreaterThanOrEqual(10);
    for (const example of examples) expect(() => parseTimeBound(example, Date.now(), 'from'), example).not.toThrow();
  });
});
