import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.ts';

describe('logger', () => {
  it('redacts credentials in headers and secret-named fields', () => {
    const lines: string[] = [];
    const sink = new Writable({ write(chunk: Buffer, _enc, done) { lines.push(chunk.toString()); done(); } });
    const log = createLogger('info', sink);
    log.info({
      req: { headers: { authorization: 'Bearer tok-1', cookie: 'vigil_session=sess-2', 'x-api-key': 'key-3' } },
      res: { headers: { 'set-cookie': 'vigil_session=sess-4' } },
      provider: { clientSecret: 'cs-5' }, password: 'pw-6', settings: { token: 'tok-7', secret: 'sec-8' },
    }, 'request');
    const text = lines.join('');
    for (const secret of ['tok-1', 'sess-2', 'key-3', 'sess-4', 'cs-5', 'pw-6', 'tok-7', 'sec-8']) expect(text).not.toContain(secret);
    expect(text).toContain('[redacted]');
  });
});
