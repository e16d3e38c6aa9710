import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AuditEntry, AuditRecord } from '../../src/audit/audit-entry.ts';
import { main } from '../../src/cli/main.ts';
import { openSqliteStateStore } from '../../src/store/sqlite/sqlite-state-store.ts';

const BIN = fileURLToPath(new URL('../../bin/vigil.ts', import.meta.url));
const T0 = Date.UTC(2026, 10, 1);
const COUNT = 10;

/** Runs the CLI in this process (fast); one test also runs the real binary to check exit codes end to end. */
async function vigil(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
  try {
    return { code: await main(args), stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

function vigilProcess(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env: process.env, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

let root: string;
let original: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'vigil-audit-cli-'));
  original = join(root, 'original');
  const state = openSqliteStateStore({ path: join(original, 'state.sqlite') });
  for (let i = 1; i <= COUNT; i++) {
    const record: AuditRecord = {
      at: T0 + i * 86_400_000, actorKind: 'session', actorId: 'u1', actorName: i === 2 ? '@evil' : 'admin', action: 'user.update',
      targetType: 'user', targetId: `u${i}`, outcome: 'success', address: '192.0.2.7', details: { status: 200, after: { role: 'viewer' } },
    };
    state.audit.append(record);
  }
  state.close();
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A copy of the intact data folder with `tamper` applied to its database, bypassing Vigil. */
function tampered(name: string, sql: string): string {
  const dir = join(root, name);
  cpSync(original, dir, { recursive: true });
  const db = new DatabaseSync(join(dir, 'state.sqlite'));
  db.exec(sql);
  db.close();
  return dir;
}

describe('vigil audit', () => {
  it('explains itself and refuses bad usage with exit code 2', async () => {
    const help = await vigil(['audit', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('vigil audit <verify|export>');
    expect((await vigil(['--help'])).stdout).toContain('audit');
    for (const args of [['audit'], ['audit', 'frobnicate'], ['audit', 'verify', 'extra'], ['audit', 'export', '--format', 'xml'],
      ['audit', 'export', '--from', 'last tuesday'], ['audit', 'verify', '--output', 'x'], ['audit', 'verify', '--colour']]) {
      const result = await vigil([...args, '--data-dir', original]);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr, args.join(' ')).toMatch(/vigil audit|Unknown option/);
    }
    const missing = await vigil(['audit', 'verify', '--data-dir', join(root, 'nowhere')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no Vigil data folder');
  });

  it('reports an intact log with exit code 0, and tampering with 1, from the real binary', async () => {
    const broken = tampered('binary', "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET outcome = 'failure' WHERE seq = 2");
    const [intact, tamperedRun] = await Promise.all([
      vigilProcess(['audit', 'verify', '--data-dir', original]), vigilProcess(['audit', 'verify', '--data-dir', broken]),
    ]);
    expect(intact.code).toBe(0);
    expect(intact.stdout).toContain('Audit log intact');
    expect(tamperedRun.code).toBe(1);
    expect(tamperedRun.stdout).toContain('Audit log TAMPERED (edited) at entry 2');
  });

  it('reports an intact log with exit code 0', async () => {
    const result = await vigil(['audit', 'verify', '--data-dir', original]);
    expect(result.stdout).toMatch(/^Audit log intact: 10 entries verified; newest entry 10 \(hash [0-9a-f]{16}\.\.\.\)\.$/m);
    expect(result.code).toBe(0);
  });

  it('catches an entry edited behind SQLite\'s back', async () => {
    const dir = tampered('edited', "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET actor_name = 'someone-else' WHERE seq = 4");
    const result = await vigil(['audit', 'verify', '--data-dir', dir]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('Audit log TAMPERED (edited) at entry 4: entry 4 was changed after it was written');
    expect(result.stdout).toContain('3 entries verified before the problem');
  });

  it('catches a deleted middle entry', async () => {
    const dir = tampered('deleted', 'DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE seq = 6');
    const result = await vigil(['audit', 'verify', '--data-dir', dir]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('Audit log TAMPERED (deleted) at entry 7: entry 6 is missing (deleted) before entry 7');
  });

  it('catches deletion of the newest entries through the anchor', async () => {
    const dir = tampered('truncated', 'DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE seq > 7');
    const result = await vigil(['audit', 'verify', '--data-dir', dir]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('(truncated) at entry 7: the newest entries were deleted: the anchor records entry 10 but the log ends at entry 7');
  });

  it('catches a removed or damaged anchor', async () => {
    const removed = join(root, 'no-anchor');
    cpSync(original, removed, { recursive: true });
    rmSync(join(removed, 'audit.head'));
    const result = await vigil(['audit', 'verify', '--data-dir', removed]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('(anchor-missing)');
    writeFileSync(join(removed, 'audit.head'), 'not json');
    const damaged = await vigil(['audit', 'verify', '--data-dir', removed]);
    expect(damaged.code).toBe(1);
    expect(damaged.stdout).toContain('is not valid JSON, so deletion of the newest entries cannot be ruled out');
  });

  it('exports NDJSON to a file and CSV to standard output, within a time range', async () => {
    const file = join(root, 'export.ndjson');
    const ndjson = await vigil(['audit', 'export', '--data-dir', original, '--output', file]);
    expect(ndjson.code).toBe(0);
    expect(ndjson.stderr).toContain(`Exported 10 audit entries to ${file}`);
    const entries = readFileSync(file, 'utf8').trimEnd().split('\n').map((line) => JSON.parse(line) as AuditEntry);
    expect(entries.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);

    const csv = await vigil(['audit', 'export', '--data-dir', original, '--format', 'csv', '--from', '2026-11-02', '--to', String(T0 + 4 * 86_400_000)]);
    expect(csv.code).toBe(0);
    const lines = csv.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('seq,at,actor_kind,actor_id,actor_name,action,target_type,target_id,outcome,address,details,prev_hash,hash');
    expect(lines.slice(1).map((line) => line.split(',')[0])).toEqual(['1', '2', '3']);
    expect(lines[2]).toContain(",'@evil,");
  });
});
