import { describe, expect, it } from 'vitest';
import type { HuntDetection } from '../hunt/hunt-detector.ts';
import { ColumnWidths, csvRow, detailsOf, formatHuntSummary, HuntTable, type HuntSummary } from './hunt-output.ts';

const detection: HuntDetection = {
  ruleId: 'r1', ruleTitle: 'Encoded PowerShell', level: 'high', tags: ['attack.execution', 'attack.t1059.001'], eventSeqs: [],
  eventTime: Date.UTC(2024, 2, 1, 10, 0, 0), detectedAt: 0, host: 'ws1', user: '@alice',
  why: {
    selections: ['selection', 'keywords'],
    fields: [
      { selection: 'selection', field: 'Image', value: 'C:\\powershell.exe' },
      { selection: 'selection', field: 'CommandLine', value: '-enc\nSQBFAFgA\u001b[31m' },
      { selection: 'other', field: 'Image', value: 'C:\\powershell.exe' },
      { selection: 'keywords', field: null, value: 'mimikatz' },
    ],
  },
  file: 'logs.zip!a.ndjson', record: '7',
};

describe('hunt output', () => {
  it('lists each matched value once, control characters escaped', () => {
    expect(detailsOf(detection)).toBe('Image: C:\\powershell.exe ¦ CommandLine: -enc\\nSQBFAFgA\\u{1b}[31m ¦ keyword: mimikatz');
  });

  it('writes CSV cells quoted and formula-safe', () => {
    expect(csvRow({ ...detection, ruleTitle: '=1+1', host: 'a,b' })).toBe(
      `2024-03-01T10:00:00.000Z,high,'=1+1,r1,"a,b",'@alice,Image: C:\\powershell.exe ¦ CommandLine: -enc\\nSQBFAFgA\\u{1b}[31m ¦ keyword: mimikatz,` +
      'attack.execution attack.t1059.001,logs.zip!a.ndjson,7\n',
    );
  });

  it('aligns the table, cuts long values to the terminal and colours the level only when asked', () => {
    const widths = new ColumnWidths();
    const long = { ...detection, ruleTitle: 'x'.repeat(100), host: '\u001b]0;pwned\u0007' };
    widths.observe(detection);
    widths.observe(long);
    expect(widths.title).toBe(60);
    const plain = new HuntTable(widths, 160, false);
    const [header, rule] = plain.header().split('\n');
    expect(header).toMatch(/^timestamp {17}level {5}rule {58}host\s+user\s+details$/);
    expect(rule!.length).toBe(header!.length);
    const row = plain.row(long);
    expect(row).not.toContain('\u001b');
    expect(row).toContain(`${'x'.repeat(59)}…`);
    expect(row.trimEnd().length).toBe(160);
    expect(row.trimEnd()).toMatch(/ {2}Image: C:\\powershell\.exe ¦ Comm\S*…$/);
    expect(row.indexOf('high')).toBe(header!.indexOf('level'));
    expect(new HuntTable(widths, undefined, false).row(detection)).toContain('keyword: mimikatz');
    expect(new HuntTable(widths, undefined, true).row(detection)).toContain('\x1b[31mhigh\x1b[0m');
  });

  it('summarizes detections by level, top rules, events, rules and speed', () => {
    const summary: HuntSummary = {
      detections: 3, byLevel: { informational: 0, low: 1, medium: 0, high: 2, critical: 0 },
      topRules: [{ ruleId: 'r1', title: 'Encoded PowerShell', level: 'high', count: 2 }, { ruleId: 'r2', title: 'Whoami', level: 'low', count: 1 }],
      events: 12_345, unparsed: 2, files: 1, unreadable: 1, rejected: 0, rules: { active: 10, unsupported: 2, invalid: 1, belowMinLevel: 0 },
      threads: 2, rulesSeconds: 1.5, scanSeconds: 2, eventsPerSecond: 6172.5,
    };
    expect(formatHuntSummary(summary, false)).toEqual([
      'detections: 3 (critical 0, high 2, medium 0, low 1, info 0)',
      'top rules:',
      '  2  high      Encoded PowerShell',
      '  1  low       Whoami',
      'events: 12,345 from 1 file, 1 not (fully) readable, 2 events no parser understood (hunted as raw text)',
      'rules: 10 active, 2 unsupported, 1 invalid',
      'time: 2.00 s scanning (6,173 events/s, 2 threads), 1.50 s loading rules',
    ]);
  });
});
