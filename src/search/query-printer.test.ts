import { describe, expect, it } from 'vitest';
import { parseQuery } from './query-parser.ts';
import { formatNumber, printQuery } from './query-printer.ts';

const canonical = (text: string): string => printQuery(parseQuery(text));

describe('printQuery', () => {
  it('prints the canonical form of each construct', () => {
    expect(canonical('')).toBe('');
    expect(canonical('user.name: adm*   or  not x | stats count by host.name')).toBe('user.name:adm* OR NOT x | stats count() by host.name');
    expect(canonical('a and (b or c) -d')).toBe('a (b OR c) NOT d');
    expect(canonical('not (a b)')).toBe('NOT (a b)');
    expect(canonical('host.name:(a or b)')).toBe('host.name:a OR host.name:b');
    expect(canonical('f:"x \\"y\\"" "a\\\\b"')).toBe('f:"x \\"y\\"" "a\\\\b"');
    expect(canonical('n:>=400 n:<"b c" f:* source.ip:10.1.2.3/8 *')).toBe('n:>=400 n:<"b c" f:* source.ip:10.0.0.0/8 *');
    expect(canonical('\\-x \\and a\\:b f:\\<3 f:1.2.3.4\\/8 f:a\\*b\\ c')).toBe('\\-x \\and a\\:b f:\\<3 f:1.2.3.4\\/8 f:a\\*b\\ c');
    expect(canonical('| where a == 1 AND (b = "x" or c like "a\\*b*") | fields - m | sort a DESC, -b | head')).toBe(
      '| where a = 1 and (b = "x" or c like "a\\*b*") | fields - m | sort -a, -b | head 10',
    );
    expect(canonical('| timechart span=120m count, avg(x) as mean by h')).toBe('| timechart span=2h count(), avg(x) as mean by h');
    expect(canonical('| timechart span=90s count')).toBe('| timechart span=90s count()');
    expect(canonical('| rare limit=3 a by b')).toBe('| rare 3 a by b');
  });

  it('writes numbers in plain decimal', () => {
    expect(formatNumber(1e21)).toBe('1000000000000000000000');
    expect(formatNumber(1e-7)).toBe('0.0000001');
    expect(formatNumber(-2.5)).toBe('-2.5');
    expect(canonical('| where a > 0.0000001')).toBe('| where a > 0.0000001');
  });
});
