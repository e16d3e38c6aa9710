import { describe, expect, it } from 'vitest';
import { ParseError } from '../core/parse-error.ts';
import { parseCef } from './cef.ts';
import { parseLeef } from './leef.ts';

describe('parseCef', () => {
  it('decodes the ArcSight example with spaces in values', () => {
    const r = parseCef('CEF:0|Security|threatmanager|1.0|100|worm successfully stopped|10|src=10.0.0.1 dst=2.1.2.2 spt=1232 msg=Detected a threat. No action needed.');
    expect(r).toMatchObject({ version: '0', deviceVendor: 'Security', deviceProduct: 'threatmanager', deviceVersion: '1.0', signatureId: '100', name: 'worm successfully stopped', severity: '10' });
    expect(r.extensions).toEqual([['src', '10.0.0.1'], ['dst', '2.1.2.2'], ['spt', '1232'], ['msg', 'Detected a threat. No action needed.']]);
  });

  it('unescapes header pipes and extension equals, backslashes and newlines', () => {
    const r = parseCef('CEF:0|security|threat\\|manager|1.0|100|detected a \\\\ in message|10|src=10.0.0.1 act=blocked a \\= dst=1.1.1.1 msg=line1\\nline2 fname=C:\\\\temp\\\\a.exe');
    expect(r.deviceProduct).toBe('threat|manager');
    expect(r.name).toBe('detected a \\ in message');
    expect(r.extensions).toEqual([['src', '10.0.0.1'], ['act', 'blocked a ='], ['dst', '1.1.1.1'], ['msg', 'line1\nline2'], ['fname', 'C:\\temp\\a.exe']]);
  });

  it('keeps custom string labels, dotted keys and an empty extension', () => {
    const r = parseCef('CEF:1|Acme|EDR|2.3|proc-1|Process started|High|cs1Label=Parent cs1=C:\\\\Windows\\\\explorer.exe ad.user=alice');
    expect(r.extensions).toEqual([['cs1Label', 'Parent'], ['cs1', 'C:\\Windows\\explorer.exe'], ['ad.user', 'alice']]);
    expect(parseCef('CEF:0|A|B|1|2|n|3|').extensions).toEqual([]);
  });

  it('keeps a URL with "=" inside a value', () => {
    const r = parseCef('CEF:0|A|Proxy|1|2|n|3|request=https://x.test/?a=1&b=2 requestMethod=GET');
    expect(r.extensions).toEqual([['request', 'https://x.test/?a=1&b=2'], ['requestMethod', 'GET']]);
  });

  it('rejects truncated headers and bad extensions', () => {
    expect(() => parseCef('CEF:0|Vendor|Product|1.0')).toThrow(/truncated CEF header.*found 3/);
    expect(() => parseCef('CEF:x|a|b|c|d|e|f|')).toThrow(/invalid CEF version/);
    expect(() => parseCef('CEF:0|a|b|c|d|e|f|this is not key value')).toThrow(ParseError);
    expect(() => parseCef('nope')).toThrow(ParseError);
  });

  it('scans a huge extension with many backslashes in linear time', () => {
    const value = 'a\\='.repeat(100_000);
    const r = parseCef(`CEF:0|a|b|c|d|e|5|k=${value} k2=v`);
    expect(r.extensions[0]?.[1].length).toBe(200_000);
    expect(r.extensions[1]).toEqual(['k2', 'v']);
  });
});

describe('parseLeef', () => {
  it('decodes LEEF 1.0 with tab-separated attributes (QRadar)', () => {
    const r = parseLeef('LEEF:1.0|Microsoft|MSExchange|4.0 SP1|15345|src=192.0.2.0\tdst=172.50.123.1\tsev=5\tcat=anomaly\tsrcPort=81\tdstPort=21\tusrName=joe.black');
    expect(r).toMatchObject({ version: '1.0', vendor: 'Microsoft', product: 'MSExchange', productVersion: '4.0 SP1', eventId: '15345', delimiter: '\t' });
    expect(r.attributes).toContainEqual(['usrName', 'joe.black']);
    expect(r.attributes).toHaveLength(7);
  });

  it('decodes LEEF 2.0 with a custom delimiter given literally or in hex', () => {
    const literal = parseLeef('LEEF:2.0|Lancope|StealthWatch|1.0|41|^|src=10.0.1.8^dst=10.0.0.5^sev=5');
    expect(literal.delimiter).toBe('^');
    expect(literal.attributes).toEqual([['src', '10.0.1.8'], ['dst', '10.0.0.5'], ['sev', '5']]);
    const hex = parseLeef('LEEF:2.0|Vendor|Product|1|E1|x5E|a=1^b=x=y');
    expect(hex.attributes).toEqual([['a', '1'], ['b', 'x=y']]);
    expect(parseLeef('LEEF:2.0|V|P|1|E|0x7c|a=1|b=2').attributes).toEqual([['a', '1'], ['b', '2']]);
  });

  it('falls back to tabs when LEEF 2.0 omits the delimiter, and to spaces when a sender uses them', () => {
    expect(parseLeef('LEEF:2.0|V|P|1|E|a=1\tb=2').attributes).toEqual([['a', '1'], ['b', '2']]);
    expect(parseLeef('LEEF:1.0|V|P|1|E|src=1.2.3.4 msg=two words').attributes).toEqual([['src', '1.2.3.4'], ['msg', 'two words']]);
  });

  it('keeps a delimiter that occurs inside a value', () => {
    expect(parseLeef('LEEF:2.0|V|P|1|E|^|a=x^y^b=2').attributes).toEqual([['a', 'x^y'], ['b', '2']]);
  });

  it('rejects truncated headers and unknown versions', () => {
    expect(() => parseLeef('LEEF:1.0|V|P')).toThrow(/truncated LEEF header/);
    expect(() => parseLeef('LEEF:9.9|V|P|1|E|a=1')).toThrow(/unsupported LEEF version/);
    expect(() => parseLeef('LEEF:1.0|V|P|1|E|garbage')).toThrow(/expected key=value/);
  });
});
