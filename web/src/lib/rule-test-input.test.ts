import { describe, expect, it } from 'vitest';
import { pastedEvent } from './rule-test-input.ts';

describe('pasted test event', () => {
  it('reads a JSON object, even one with an "error" key', () => {
    expect(pastedEvent(' {"EventID": 4688, "error": "x"} ')).toEqual({ ok: true, event: { EventID: 4688, error: 'x' } });
  });

  it('takes other text as a raw log line', () => {
    expect(pastedEvent('May  1 10:00:00 host sshd[1]: Failed password for root\n')).toEqual({ ok: true, event: 'May  1 10:00:00 host sshd[1]: Failed password for root' });
  });

  it('refuses empty text, broken JSON and lists with a message', () => {
    expect(pastedEvent('  ')).toMatchObject({ ok: false, error: expect.stringMatching(/Paste an event/) });
    expect(pastedEvent('{"a": ')).toMatchObject({ ok: false, error: expect.stringMatching(/not valid JSON/) });
    expect(pastedEvent('[{"a": 1}]')).toMatchObject({ ok: false, error: expect.stringMatching(/not a list/) });
  });
});
