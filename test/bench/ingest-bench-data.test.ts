/**
 * The end-to-end ingest benchmarks are only meaningful if their load is what they claim: deterministic,
 * framed correctly, and understood by Vigil's parsers (a load that lands as raw events would measure
 * the wrong code path).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { httpBodies, syslogStream, windowsPool, windowsStream } from '../../bench/_ingest-data.ts';
import { splitAtLines } from '../../bench/_senders.ts';
import { normalizeRecord } from '../../src/normalize/normalize-record.ts';
import { DEFAULT_INPUT_LIMITS } from '../../src/core/limits.ts';

const lines = (data: Buffer): string[] => data.toString('utf8').split('\n').slice(0, -1);

describe('ingest benchmark data', () => {
  it('generates the same syslog stream for the same seed and a different one for another seed', () => {
    expect(syslogStream(2_000, 5).equals(syslogStream(2_000, 5))).toBe(true);
    expect(syslogStream(2_000, 5).equals(syslogStream(2_000, 6))).toBe(false);
  });

  it('frames exactly one message per line, each parsed by the syslog source type without error', () => {
    const data = syslogStream(3_000, 11);
    expect(data.at(-1)).toBe(10);
    const all = lines(data);
    expect(all).toHaveLength(3_000);
    const programs = new Set<string>();
    for (const text of all) {
      const event = normalizeRecord({ source: 'bench', sourceType: 'syslog', receivedAt: 0, text }, DEFAULT_INPUT_LIMITS);
      expect(event.parseError, text).toBeUndefined();
      programs.add(String(event.fields['process.name']));
    }
    expect([...programs].sort()).toEqual(['CRON', 'kernel', 'nginx', 'sshd', 'sudo']);
  });

  it('gives each Windows copy a distinct RecordNumber and keeps the JSON valid', () => {
    const pool = windowsPool(50, 50).lines;
    expect(pool.length).toBeGreaterThan(0);
    const next = windowsStream(pool);
    const numbers = new Set<unknown>();
    for (let i = 0; i < pool.length * 3; i++) {
      const record = JSON.parse(next()) as Record<string, unknown>;
      if ('RecordNumber' in record) numbers.add(record.RecordNumber);
    }
    // Every copy that has a RecordNumber got its own.
    expect(numbers.size).toBe(pool.filter((l) => l.includes('"RecordNumber":')).length * 3);
    for (const text of pool) {
      const event = normalizeRecord({ source: 'bench', sourceType: 'windows', receivedAt: 0, text }, DEFAULT_INPUT_LIMITS);
      expect(event.parseError, text.slice(0, 200)).toBeUndefined();
    }
  });

  it('splits HTTP load into bodies whose line counts match their event counts', () => {
    const pool = windowsPool(20, 20).lines;
    const bodies = httpBodies(10_500, 1_000, 0.5, pool);
    expect(bodies.reduce((n, b) => n + b.events, 0)).toBe(10_500);
    expect(bodies.at(-1)!.events).toBe(500);
    expect(new Set(bodies.map((b) => b.contentType)).size).toBe(2);
    for (const b of bodies) expect(lines(b.body)).toHaveLength(b.events);
  });

  it('splits a stream for several connections at line ends without losing or adding bytes', () => {
    fc.assert(fc.property(fc.array(fc.stringMatching(/^[a-z ]{0,30}$/), { minLength: 1, maxLength: 60 }), fc.integer({ min: 1, max: 8 }), (texts, parts) => {
      const data = Buffer.from(texts.map((t) => `${t}\n`).join(''));
      const pieces = splitAtLines(data, parts);
      expect(Buffer.concat(pieces).equals(data)).toBe(true);
      expect(pieces.length).toBeLessThanOrEqual(parts);
      for (const piece of pieces) expect(piece.at(-1)).toBe(10);
    }));
  });
});
