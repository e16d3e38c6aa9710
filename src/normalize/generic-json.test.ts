import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DEFAULT_INPUT_LIMITS } from '../core/limits.ts';
import { normalizeRecord } from './normalize-record.ts';

const norm = (doc: unknown, sourceType = 'auto') =>
  normalizeRecord({ source: 't', sourceType, receivedAt: Date.UTC(2024, 0, 1), text: JSON.stringify(doc) }, DEFAULT_INPUT_LIMITS);

describe('generic json', () => {
  it('keeps everything flattened and picks timestamp, message, host and level', () => {
    const ev = norm({ ts: 1_700_000_000, msg: 'user logged in', hostname: 'app-1', level: 'WARN', ctx: { user: { id: 7 }, tags: ['a', 'b'] } });
    expect(ev.sourceType).toBe('json');
    expect(ev.timestamp).toBe(1_700_000_000_000);
    expect(ev.fields).toMatchObject({ message: 'user logged in', 'host.name': 'app-1', 'log.level': 'warn', 'ctx.user.id': 7,
      'ctx.tags': ['a', 'b'], msg: 'user logged in', ts: 1_700_000_000 });
  });

  it('reads zone-less ISO times as UTC, never local time', () => {
    expect(norm({ time: '2023-01-02 03:04:05' }).timestamp).toBe(Date.UTC(2023, 0, 2, 3, 4, 5));
    expect(norm({ timestamp: '2023-01-02T03:04:05.5+01:00' }).timestamp).toBe(Date.UTC(2023, 0, 2, 2, 4, 5, 500));
  });

  it('keeps an unusable @timestamp and falls back to the receive time', () => {
    const ev = norm({ '@timestamp': 'last tuesday', message: 'x', host: { name: 'h' } });
    expect(ev.timestamp).toBe(Date.UTC(2024, 0, 1));
    expect(ev.fields['event.original_timestamp']).toBe('last tuesday');
    expect(ev.fields['host.name']).toBe('h');
  });

  it('detects any object, so it must be the last JSON type', () => {
    expect(norm({}).sourceType).toBe('json');
    expect(norm({ EventID: 1, Channel: 'Security' }, 'json').sourceType).toBe('json');
  });

  it('never throws on arbitrary JSON objects', () => {
    fc.assert(fc.property(fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 4 })), (doc) => {
      const ev = norm(doc);
      expect(Number.isFinite(ev.timestamp)).toBe(true);
      expect(typeof ev.fields['@timestamp']).toBe('string');
    }), { numRuns: 300 });
  });
});
