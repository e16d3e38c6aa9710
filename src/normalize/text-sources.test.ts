/**
 * Cross-cutting checks of the text source types: auto-detection order through normalizeRecord,
 * and property tests that decoders and normalizers only ever fail with ParseError.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_INPUT_LIMITS } from '../core/limits.ts';
import { parseAccessLog } from '../parse/access-log.ts';
import { parseAuditRecord } from '../parse/auditd.ts';
import { parseCef } from '../parse/cef.ts';
import { parseLeef } from '../parse/leef.ts';
import { parseSyslog } from '../parse/syslog.ts';
import { auditdSourceType } from './auditd.ts';
import { cefSourceType, leefSourceType } from './cef.ts';
import { normalizeRecord } from './normalize-record.ts';
import { ParseError } from './source-type.ts';
import { syslogSourceType } from './syslog.ts';
import { apacheSourceType, nginxSourceType } from './web-access.ts';

const receivedAt = Date.UTC(2024, 5, 15, 12);
const auto = (text: string) => normalizeRecord({ source: 'test', sourceType: 'auto', receivedAt, text }, DEFAULT_INPUT_LIMITS);

describe('auto-detection of text formats', () => {
  it.each([
    ['<38>Jun 15 11:00:01 web1 sshd[99]: Failed password for root from 203.0.113.9 port 41144 ssh2', 'syslog'],
    ['<13>1 2024-06-15T10:00:00Z h app - - - hi', 'syslog'],
    ['Jun 15 11:00:02 web1 sudo:    alice : TTY=pts/0 ; PWD=/ ; USER=root ; COMMAND=/usr/bin/id', 'syslog'],
    ['2024-06-15T11:00:02.123456+00:00 web1 CRON[5]: (root) CMD (run-parts /etc/cron.hourly)', 'syslog'],
    ['type=USER_LOGIN msg=audit(1718449200.500:310): pid=1 res=failed', 'auditd'],
    ['CEF:0|A|B|1|2|n|3|src=1.2.3.4', 'cef'],
    ['LEEF:1.0|A|B|1|2|src=1.2.3.4', 'leef'],
    ['127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326', 'apache'],
    ['127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.0" 200 2326 "-" "curl/8"', 'nginx'],
  ])('%s → %s', (text, type) => {
    const e = auto(text);
    expect(e.parseError).toBeUndefined();
    expect(e.sourceType).toBe(type);
    expect(e.original).toBe(text);
  });

  it('stores unknown and broken records raw with a reason', () => {
    expect(auto('<999>Jun 15 11:00:01 h a: b')).toMatchObject({ sourceType: 'raw', parseError: 'syslog: invalid PRI <999>: priority must be 0 to 191' });
    expect(auto('<13>1 - h a p m [unterminated')).toMatchObject({ sourceType: 'raw' });
    expect(auto('random words')).toMatchObject({ sourceType: 'raw', parseError: 'no parser recognised this record' });
  });

  it('uses an explicitly configured source type', () => {
    const e = normalizeRecord({ source: 't', sourceType: 'cef', receivedAt, text: 'Jun 15 11:00:01 fw CEF:0|A|B|1|2|n|3|dpt=22' }, DEFAULT_INPUT_LIMITS);
    expect(e.sourceType).toBe('cef');
    expect(e.fields['destination.port']).toBe(22);
  });
});

function onlyParseError(fn: () => unknown): void {
  try {
    fn();
  } catch (err) {
    if (!(err instanceof ParseError)) throw err;
  }
}

// Strings built from the tokens these formats are made of reach deep into the scanners; plain
// random strings mostly stop at the first character.
const token = fc.constantFrom(
  '<', '>', '<13>', '<191>', '1 ', ' ', '-', '[', ']', '"', '\\', '=', '|', ':', '^', '\t', '\x1d', "'", 'CEF:0|', 'LEEF:2.0|', 'LEEF:1.0|',
  'type=EXECVE ', 'msg=audit(1700000000.123:4): ', 'a0=', 'proctitle=', '2F62', 'Jun 15 ', '11:00:00 ', '2024-06-15T10:00:00Z ', 'host ',
  'sshd[1]: ', 'sudo: ', 'su: ', 'pam_unix(sshd:auth): ', 'Accepted password for ', 'Failed password for invalid user ', ' from ', ' port ',
  'alice : ', 'COMMAND=', ' ; ', '10.0.0.1', '::1', '22', ' [15/Jun/2024:08:01:02 +0000] ', '"GET / HTTP/1.1" ', '200 ', 'x=y ', 'src=',
);
const structured = fc.array(fc.oneof(token, fc.string({ maxLength: 4 })), { maxLength: 40 }).map((parts) => parts.join(''));
const anyText = fc.oneof(structured, fc.string({ maxLength: 200 }), fc.string({ unit: 'grapheme', maxLength: 100 }));

describe('property: decoders and normalizers fail only with ParseError', () => {
  const types = [syslogSourceType, auditdSourceType, cefSourceType, leefSourceType, nginxSourceType, apacheSourceType];

  it('parsers', () => {
    fc.assert(fc.property(anyText, (text) => {
      onlyParseError(() => parseSyslog(text, receivedAt));
      onlyParseError(() => parseCef(text));
      onlyParseError(() => parseLeef(text));
      onlyParseError(() => parseAuditRecord(text));
      onlyParseError(() => parseAccessLog(text));
    }), { numRuns: 3000 });
  });

  it('source types (detect never throws; normalize throws only ParseError)', () => {
    fc.assert(fc.property(anyText, (text) => {
      for (const type of types) {
        expect(typeof type.detect(text)).toBe('boolean');
        onlyParseError(() => type.normalize(text, { receivedAt }));
      }
    }), { numRuns: 3000 });
  });

  it('normalizeRecord never reports an internal parser failure', () => {
    fc.assert(fc.property(anyText, (text) => {
      const e = auto(text);
      expect(e.parseError ?? '').not.toMatch(/parser failed/);
      expect(Number.isFinite(e.timestamp)).toBe(true);
    }), { numRuns: 3000 });
  });
});

describe('huge and adversarial records', () => {
  // Each of these would take minutes with a quadratic scan; the suite's timeout catches regressions.
  const big = 300_000;
  it.each([
    ['sshd user of repeated " from "', `<38>Jun 15 11:00:01 h sshd[1]: Invalid user ${'a from '.repeat(big / 7)}x from 10.0.0.1 port 22`],
    ['sshd repeated " port "', `<38>Jun 15 11:00:01 h sshd[1]: Disconnected from user ${' port 1'.repeat(big / 7)} 10.0.0.1 port 22`],
    ['sudo with many " ; "', `<38>Jun 15 11:00:01 h sudo: alice : ${'X ; '.repeat(big / 4)}USER=root ; COMMAND=/bin/true`],
    ['CEF with many pairs', `CEF:0|a|b|c|d|e|5|${'k=v\\= '.repeat(big / 6)}`],
    ['CEF with many "=" in one value', `CEF:0|a|b|c|d|e|5|k=${'=x'.repeat(big / 2)}`],
    ['LEEF with many delimiters', `LEEF:2.0|a|b|c|d|^|${'x^'.repeat(big / 2)}`],
    ['auditd with a repeated key', `type=AVC msg=audit(1.0:1): ${'name=a '.repeat(big / 7)}`],
    ['auditd with bare words', `type=AVC msg=audit(1.0:1): ${'{ '.repeat(big / 2)}`],
    ['RFC 5424 with a repeated SD param', `<13>1 - h a - - [x ${'p="v" '.repeat(big / 6)}]`],
    ['RFC 5424 with many SD elements', `<13>1 - h a - - ${'[e@1 a="b"]'.repeat(big / 11)} m`],
    ['access log with many trailing fields', `10.0.0.1 - - [15/Jun/2024:08:01:02 +0000] "GET / HTTP/1.1" 200 5 ${'"x" '.repeat(big / 4)}`],
    ['syslog without spaces', `<13>Jun 15 11:00:01 ${'x'.repeat(big)}`],
  ])('%s', (_name, text) => {
    const e = auto(text);
    expect(e.original).toBe(text);
    expect(e.parseError ?? '').not.toMatch(/parser failed/);
  });

  it('rejects records over the size limit before parsing', () => {
    const e = auto(`<13>Jun 15 11:00:01 h a: ${'x'.repeat(DEFAULT_INPUT_LIMITS.maxRecordBytes)}`);
    expect(e.sourceType).toBe('raw');
    expect(e.parseError).toMatch(/exceeds/);
  });

  it('keeps every value of a repeated key', () => {
    const e = auto(`type=AVC msg=audit(1.0:1): ${'name=a '.repeat(1000)}`);
    expect((e.fields['auditd.log.name'] as string[]).length).toBe(1000);
  });
});
