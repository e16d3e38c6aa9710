import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { openDuckDbEventStore } from '../../store/duckdb/duckdb-event-store.ts';
import type { StoredEvent } from '../../store/event-store.ts';

const BIN = fileURLToPath(new URL('../../../bin/vigil.ts', import.meta.url));
const DAY = 86_400_000;

function vigil(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

function event(seq: number, receivedAt: number): StoredEvent {
  return { seq, timestamp: receivedAt, receivedAt, source: 'test', sourceType: 'raw', fields: { message: `event ${seq}` }, original: `event ${seq}` };
}

/** A data folder with events received 20 days ago (2), 19 days ago (1) and now (1). */
async function dataFolder(): Promise<{ dataDir: string; days: string[] }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'vigil-archive-cli-'));
  const now = Date.now();
  const old = Math.floor((now - 20 * DAY) / DAY) * DAY + 3_600_000;
  const store = await openDuckDbEventStore({ dir: join(dataDir, 'events'), memoryLimit: '256MB' });
  await store.append([event(1, old), event(2, old + 60_000), event(3, old + DAY), event(4, now)]);
  await store.close();
  return { dataDir, days: [new Date(old).toISOString().slice(0, 10), new Date(old + DAY).toISOString().slice(0, 10)] };
}

async function storedEvents(dataDir: string): Promise<{ events: number; archived: number }> {
  const store = await openDuckDbEventStore({ dir: join(dataDir, 'events'), archiveDir: join(dataDir, 'archive'), memoryLimit: '256MB' });
  try {
    const stats = await store.stats();
    return { events: stats.events, archived: stats.archive.events };
  } finally {
    await store.close();
  }
}

describe('vigil archive', () => {
  it('lists what it would archive on --dry-run without changing anything, then archives it', async () => {
    const { dataDir, days } = await dataFolder();
    const archiveDir = join(dataDir, 'archive');

    const dry = await vigil(['archive', '--dry-run', '--data-dir', dataDir]);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain(`Would archive ${days[0]}: 2 events -> ${join(archiveDir, `events-${days[0]}.parquet`)}`);
    expect(dry.stdout).toContain(`Would archive ${days[1]}: 1 event ->`);
    expect(dry.stdout).toContain('Dry run: nothing changed. 2 days (3 events) to archive, 0 files to delete.');
    expect(existsSync(archiveDir)).toBe(false);
    expect(await storedEvents(dataDir)).toEqual({ events: 4, archived: 0 });

    const run = await vigil(['archive', '--data-dir', dataDir]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`Archived ${days[0]}: 2 events -> .*events-${days[0]}\\.parquet \\(\\d`));
    expect(run.stdout).toContain('2 days (3 events) archived, 0 files deleted.');
    expect(readdirSync(archiveDir).sort()).toEqual([`events-${days[0]}.parquet`, `events-${days[1]}.parquet`]);
    expect(await storedEvents(dataDir)).toEqual({ events: 1, archived: 3 });

    const again = await vigil(['archive', '--data-dir', dataDir]);
    expect(again.stdout).toContain('Nothing to archive');
  });

  it('says when the folder holds no event store, and documents itself', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'vigil-archive-cli-'));
    const result = await vigil(['archive', '--data-dir', empty]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('no event store at');
    const help = await vigil(['archive', '--help']);
    expect(help.stdout).toContain('--dry-run');
    expect((await vigil(['--help'])).stdout).toMatch(/archive\s+Move old days of events to Parquet files/);
  });
});
