import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RawRecord } from '../core/event.ts';
import { DEFAULT_INPUT_LIMITS } from '../core/limits.ts';
import { normalizeRecord } from './normalize-record.ts';

const at = Date.UTC(2026, 10, 23, 12, 0, 0);
const text = (t: string, sourceType = 'auto'): RawRecord => ({ source: 's', sourceType, receivedAt: at, text: t });

describe('normalizeRecord', () => {
  it('detects the format and keeps the original', () => {
    const line = '<38>Nov 23 10:00:00 bastion sshd[42]: Failed password for root from 203.0.113.9 port 4000 ssh2';
    const event = normalizeRecord(text(line), DEFAULT_INPUT_LIMITS);
    expect(event.sourceType).toBe('syslog');
    expect(event.original).toBe(line);
    expect(event.parseError).toBeUndefined();
    expect(event.fields['source.ip']).toBe('203.0.113.9');
  });

  it('stores what no parser understands raw, with the reason, instead of dropping it', () => {
    const event = normalizeRecord(text('\u0000\u0001 not a log line at all'), DEFAULT_INPUT_LIMITS);
    expect(event.sourceType).toBe('raw');
    expect(event.parseError).toBe('no parser recognised this record');
    expect(event.timestamp).toBe(at);
  });

  it('reports broken JSON and unknown source types as reasons', () => {
    expect(normalizeRecord(text('{"a": '), DEFAULT_INPUT_LIMITS).parseError).toMatch(/^invalid JSON/);
    expect(normalizeRecord(text('x', 'no-such-type'), DEFAULT_INPUT_LIMITS).parseError).toBe('unknown source type "no-such-type"');
  });

  it('refuses records over the size limit and JSON nested too deep', () => {
    const limits = { ...DEFAULT_INPUT_LIMITS, maxRecordBytes: 1000 };
    expect(normalizeRecord(text('é'.repeat(600)), limits).parseError).toMatch(/exceeds the 1000-byte limit/);
    const deep = `${'{"a":'.repeat(100)}1${'}'.repeat(100)}`;
    expect(normalizeRecord(text(deep), DEFAULT_INPUT_LIMITS).parseError).toMatch(/nested deeper/);
  });

  it('caps the number of fields and says so', () => {
    const wide = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`f${i}`, i]));
    const event = normalizeRecord({ ...text(''), text: undefined, data: wide }, { ...DEFAULT_INPUT_LIMITS, maxFields: 10 });
    expect(Object.keys(event.fields).length).toBeLessThanOrEqual(11);
    expect(event.parseError).toMatch(/kept the first 10/);
  });

  it('reads zone-less times as UTC and rewrites offsets canonically', () => {
    const zoneless = normalizeRecord(text(JSON.stringify({ '@timestamp': '2026-01-02T03:04:05', message: 'x' })), DEFAULT_INPUT_LIMITS);
    expect(zoneless.fields['@timestamp']).toBe('2026-01-02T03:04:05.000Z');
    const offset = normalizeRecord(text(JSON.stringify({ '@timestamp': '2026-01-02T05:04:05+02:00', message: 'x' })), DEFAULT_INPUT_LIMITS);
    expect(offset.timestamp).toBe(Date.UTC(2026, 0, 2, 3, 4, 5));
    expect(offset.fields['@timestamp']).toBe('2026-01-02T03:04:05.000Z');
  });

  it('never throws, whatever the input', () => {
    fc.assert(fc.property(fc.string({ maxLength: 2000 }), fc.constantFrom('auto', 'syslog', 'windows', 'json', 'cef'), (input, sourceType) => {
      const event = normalizeRecord(text(input, sourceType), DEFAULT_INPUT_LIMITS);
      expect(typeof event.timestamp).toBe('number');
      expect(event.original).toBe(input);
    }), { numRuns: 300 });
  });
});

describe('transport facts', () => {
  it('keeps the sender, file, HEC envelope and size-limit tags without overriding the record', () => {
    const syslog = normalizeRecord({
      ...text('<38>Nov 23 10:00:00 bastion sshd[1]: Connection closed by 198.51.100.1 port 22'),
      meta: { transport: 'tls', remote: '192.0.2.7:51000', tlsPeer: 'relay-01', truncated: 'true' },
    }, DEFAULT_INPUT_LIMITS);
    expect(syslog.fields['log.source.address']).toBe('192.0.2.7:51000');
    expect(syslog.fields['tls.client.subject']).toBe('CN=relay-01');
    expect(syslog.fields.tags).toEqual(['truncated']);

    const hec = normalizeRecord({
      source: 'hec', sourceType: 'auto', receivedAt: at, data: { note: 'no time of its own' },
      meta: { 'hec.time': '1700000000.5', 'hec.host': 'k8s-node-3', 'hec.sourcetype': 'kube:audit', 'hec.fields': '{"cluster":"prod","zone":["a","b"]}' },
    }, DEFAULT_INPUT_LIMITS);
    expect(hec.timestamp).toBe(1_700_000_000_500);
    expect(hec.fields['host.name']).toBe('k8s-node-3');
    expect(hec.fields['splunk.sourcetype']).toBe('kube:audit');
    expect(hec.fields['labels.cluster']).toBe('prod');
    expect(hec.fields['labels.zone']).toEqual(['a', 'b']);

    const raw = normalizeRecord({ ...text('garbage'), meta: { file: '/var/log/x.log', line: '3' } }, DEFAULT_INPUT_LIMITS);
    expect(raw.sourceType).toBe('raw');
    expect(raw.fields['log.file.path']).toBe('/var/log/x.log');
  });
});
