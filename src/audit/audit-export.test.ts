import { describe, expect, it } from 'vitest';
import { chainEntry } from './audit-chain.ts';
import type { AuditEntry } from './audit-entry.ts';
import { csvCell, exportChunks, exportFileName } from './audit-export.ts';

function entries(n: number): AuditEntry[] {
  const list: AuditEntry[] = [];
  for (let i = 0; i < n; i++) {
    list.push(chainEntry(list.at(-1), {
      at: Date.UTC(2026, 10, 23, 10, 0, i % 60), actorKind: 'anonymous', actorName: i === 0 ? '=cmd|"/c calc"!A1' : `user${i}`,
      action: 'auth.login', outcome: 'failure', address: '203.0.113.9', details: { note: 'invalid, "quoted"\nline' },
    }));
  }
  return list;
}

describe('audit export', () => {
  it('writes NDJSON that parses back to the same entries', () => {
    const list = entries(450);
    const chunks = [...exportChunks(list, 'ndjson')];
    expect(chunks.length).toBe(3);
    const lines = chunks.join('').trimEnd().split('\n');
    expect(lines.map((line) => JSON.parse(line))).toEqual(list);
  });

  it('writes CSV with a header, quoting, ISO times and formula cells disarmed', () => {
    const [first] = entries(1);
    const text = [...exportChunks([first!], 'csv')].join('');
    const [header, row] = text.split('\n');
    expect(header).toBe('seq,at,actor_kind,actor_id,actor_name,action,target_type,target_id,outcome,address,details,prev_hash,hash');
    expect(row).toMatch(/^1,2026-11-23T10:00:00\.000Z,anonymous,,"'=cmd\|""\/c calc""!A1",auth\.login,,,failure,203\.0\.113\.9,/);
    expect(text).toContain('"{""note"":""invalid, \\""quoted\\""\\nline""}"');
    expect(text.endsWith(`${first!.hash}\n`)).toBe(true);
  });

  it('escapes every formula trigger and leaves ordinary values alone', () => {
    for (const value of ['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx']) expect(csvCell(value).replace(/^"/, '').startsWith("'")).toBe(true);
    expect(csvCell('alice')).toBe('alice');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell(undefined)).toBe('');
    expect([...exportChunks([], 'csv')]).toEqual(['seq,at,actor_kind,actor_id,actor_name,action,target_type,target_id,outcome,address,details,prev_hash,hash\n']);
    expect([...exportChunks([], 'ndjson')]).toEqual([]);
  });

  it('names files after the format and the time', () => {
    expect(exportFileName('csv', Date.UTC(2026, 10, 23, 10, 15, 0, 123))).toBe('vigil-audit-20261123T101500Z.csv');
  });
});
