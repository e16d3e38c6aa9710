import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FilterExpr } from '../../../src/search/query-ast.ts';
import { searchUrlForEventsLink } from './events-redirect.ts';
import { checkQuery, stateFromUrl } from './search-query.ts';

/** The Search state a redirect lands on. */
function landing(eventsQuery: string) {
  const url = searchUrlForEventsLink(eventsQuery);
  expect(url.startsWith('/search?')).toBe(true);
  return stateFromUrl(url.slice('/search'.length));
}

/** The `field = value` pairs of a parsed filter made only of match terms joined by AND. */
function matchTerms(expr: FilterExpr | undefined): [string, string, boolean][] {
  if (expr === undefined) return [];
  if (expr.kind === 'and') return expr.children.flatMap(matchTerms);
  if (expr.kind !== 'match') throw new Error(`unexpected ${expr.kind}`);
  return [[expr.field.name, expr.value.text, expr.value.hasWildcards]];
}

describe('old /events links', () => {
  it('keep their range, source, source type and field filters as a Search query', () => {
    expect(landing('?range=24h&source=fw&sourceType=cef&field.host.name=web1&field.user.name=a%20%22b%22'))
      .toEqual({ q: 'vigil.source:"fw" vigil.source_type:"cef" host.name:"web1" user.name:"a \\"b\\""', from: '-24h', to: 'now' });
    expect(landing('range=7d')).toEqual({ q: '', from: '-7d', to: 'now' });
    expect(landing('?range=15m').from).toBe('-15m');
  });

  it('take the Events page default (last hour) without a range or with an unknown one', () => {
    expect(landing('')).toEqual({ q: '', from: '-1h', to: 'now' });
    for (const range of ['99y', 'constructor', '__proto__', '']) expect(landing(`?range=${range}`).from).toBe('-1h');
  });

  it('drop what the Events page dropped: odd field names, empty or huge values, other parameters', () => {
    expect(landing(`?field.bad%20name=x&field..a=x&field.-a=x&field.ok=&field.big=${'x'.repeat(4097)}&other=1&q=evil`).q).toBe('');
    const many = Array.from({ length: 30 }, (_, i) => `field.f${i}=v`).join('&');
    expect(matchTerms((checkQuery(landing(many).q) as { query: { filter: FilterExpr } }).query.filter)).toHaveLength(20);
  });

  it('turn any filter values into a query that parses to exactly those terms, wildcards and quotes literal', () => {
    const field = fc.stringMatching(/^[a-z][a-z0-9_]{0,8}(\.[a-z0-9_@-]{1,8}){0,3}$/);
    const filters = fc.uniqueArray(fc.record({ field, value: fc.string({ minLength: 1, maxLength: 40 }) }), { selector: (f) => f.field, maxLength: 5 });
    fc.assert(fc.property(filters, fc.string({ maxLength: 20 }), (fs, source) => {
      const p = new URLSearchParams();
      if (source) p.set('source', source);
      for (const f of fs) p.append(`field.${f.field}`, f.value);
      const parsed = checkQuery(landing(p.toString()).q);
      if (!('query' in parsed)) throw new Error(parsed.problem.message);
      const expected: [string, string, boolean][] = [
        ...(source ? [['vigil.source', source, false] as [string, string, boolean]] : []),
        ...fs.map((f): [string, string, boolean] => [f.field, f.value, false]),
      ];
      expect(matchTerms(parsed.query.filter)).toEqual(expected);
    }));
  });
});
