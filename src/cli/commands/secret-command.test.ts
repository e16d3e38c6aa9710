import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SecretBox } from '../../auth/secret-box.ts';
import { CONFIG_SECRET_PURPOSE } from '../../config/config-secrets.ts';

const BIN = fileURLToPath(new URL('../../../bin/vigil.ts', import.meta.url));

function vigil(args: string[], input: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [BIN, ...args], { timeout: 30_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
    child.stdin!.end(input);
  });
}

describe('vigil secret', () => {
  it('seals a value read from standard input with the master key of the data folder', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'vigil-seal-'));
    const result = await vigil(['secret', 'seal', '--data-dir', dataDir], 'hunter2 with spaces\n');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('Created the master key');
    const sealed = result.stdout.trim();
    expect(sealed).toMatch(/^vgsec1:/);
    expect(sealed).not.toContain('hunter2');
    const key = Buffer.from(readFileSync(join(dataDir, 'master.key'), 'utf8').trim(), 'base64');
    expect(new SecretBox(key).open(sealed, CONFIG_SECRET_PURPOSE)).toBe('hunter2 with spaces');
    // The same key is reused, not replaced.
    const again = await vigil(['secret', 'seal', '--data-dir', dataDir], 'other');
    expect(again.stderr).not.toContain('Created');
    expect(new SecretBox(key).open(again.stdout.trim(), CONFIG_SECRET_PURPOSE)).toBe('other');
  });

  it('never takes the value from the command line, and refuses empty input', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'vigil-seal-'));
    const argv = await vigil(['secret', 'seal', '--data-dir', dataDir, 'hunter2'], '');
    expect(argv.code).toBe(2);
    expect(argv.stderr).toContain('never from the command line');
    const empty = await vigil(['secret', 'seal', '--data-dir', dataDir], '\n');
    expect(empty.code).toBe(2);
  });

  it('checks a configuration', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'vigil-check-'));
    const result = await vigil(['secret', 'check', '--data-dir', dataDir], '');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/no secret settings|ok|plain/);
  });
});
