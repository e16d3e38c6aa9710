import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { TOKEN_KINDS } from '../api/types.ts';
import { ingestEndpoint, ingestExamples, shellQuote } from './ingest-examples.ts';

const ORIGIN = 'https://vigil.example:8443';

describe('ingest examples', () => {
  it('points each kind at its endpoint', () => {
    expect(ingestEndpoint('http', ORIGIN)).toBe(`${ORIGIN}/api/v1/ingest`);
    expect(ingestEndpoint('hec', ORIGIN)).toBe(`${ORIGIN}/services/collector/event`);
    expect(ingestEndpoint('elastic', ORIGIN)).toBe(`${ORIGIN}/elastic`);
    expect(ingestEndpoint('otlp', ORIGIN)).toBe(`${ORIGIN}/v1/logs`);
  });

  it('puts the token in the right authorization scheme', () => {
    const text = (k: (typeof TOKEN_KINDS)[number]) => ingestExamples(k, ORIGIN, 'tok123').map((e) => e.code).join('\n');
    expect(text('http')).toContain(`'Authorization: Bearer tok123'`);
    expect(text('hec')).toContain(`'Authorization: Splunk tok123'`);
    expect(text('elastic')).toContain('api_key: "vigil:tok123"');
    expect(text('elastic')).toContain(`-u 'vigil:tok123'`);
    expect(text('otlp')).toContain('Authorization: "Bearer tok123"');
    expect(text('otlp')).toContain('Authorization=Bearer%20tok123');
  });

  it('quotes hostile values so a paste cannot run commands', () => {
    for (const hostile of [`a'; touch /tmp/pwned #`, `$(id)`, '`id`', `x"y\\z`, 'new\nline', "it's"]) {
      // The shell must print the value back unchanged: nothing was expanded or executed.
      const out = execFileSync('sh', ['-c', `printf '%s' ${shellQuote(hostile)}`], { encoding: 'utf8' });
      expect(out).toBe(hostile);
    }
  });

  it('gives every kind at least one example', () => {
    for (const kind of TOKEN_KINDS) expect(ingestExamples(kind, ORIGIN, 't').length).toBeGreaterThan(0);
  });
});
