/**
 * Archive of old days as Parquet files (docs/operations.md, "Retention and archive").
 *
 * A day table is written to `<archive dir>/events-YYYY-MM-DD.parquet` in steps that a crash can stop
 * at any point without losing or doubling events: the file is written under a temporary name, synced,
 * read back and checked (schema and row count), renamed into place and the folder synced; only then
 * does one transaction record the file in `archived_partitions` and drop the day table. A crash before
 * that commit leaves the table (the day is archived again, the temporary file is removed, a renamed
 * but unrecorded file is overwritten); after it, a recorded, verified file. Searches read recorded
 * files only.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { EVENT_COLUMNS, assertPartitionName, dayStart, sqlString } from './duckdb-schema.ts';

/** One archive file as the catalog records it; times in ms since the epoch. */
export interface ArchivedPartition {
  day: number;
  /** File name inside the archive folder, never a path. */
  file: string;
  rows: number;
  minTs: number;
  maxTs: number;
  bytes: number;
  /** Hex SHA-256 of the file, to check a copy or a backup against. */
  sha256: string;
}

/** Where an archive run can be stopped by the crash tests. */
export type ArchiveStep = 'copied' | 'renamed';

/** `events-2026-11-23.parquet`; the second and later files of a day carry `-2`, `-3`, ... */
const ARCHIVE_FILE = /^events-(\d{4})-(\d{2})-(\d{2})(?:-([2-9]|[1-9]\d{1,3}))?\.parquet$/;
const TEMP_SUFFIX = '.tmp';

/** `YYYY-MM-DD` of a day number. */
export function isoDay(day: number): string {
  return new Date(dayStart(day)).toISOString().slice(0, 10);
}

/** The day number a valid archive file name belongs to, or undefined for any other name. */
export function archiveFileDay(name: string): number | undefined {
  const match = ARCHIVE_FILE.exec(name);
  if (!match) return undefined;
  const ms = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  return isoDay(ms / 86_400_000) === `${match[1]}-${match[2]}-${match[3]}` ? ms / 86_400_000 : undefined;
}

/** Catalog file names are checked again before they become part of a path read by SQL. */
export function assertArchiveFileName(name: string): string {
  if (archiveFileDay(name) === undefined) throw new Error(`not an archive file name: ${JSON.stringify(name)}`);
  return name;
}

/** The first file name of `day` that no recorded file uses. */
export function nextArchiveFileName(day: number, recorded: Iterable<ArchivedPartition>): string {
  const used = new Set<string>();
  for (const a of recorded) if (a.day === day) used.add(a.file);
  for (let n = 1; ; n++) {
    const name = `events-${isoDay(day)}${n === 1 ? '' : `-${n}`}.parquet`;
    if (!used.has(name)) return name;
  }
}

/**
 * Writes day table `table` to the verified file `<dir>/<file>` (see the module comment for the
 * steps). Returns the file's row count, size and SHA-256. Throws when a step fails, leaving at most a
 * temporary file that {@link removeTempFiles} clears.
 */
export async function writeArchiveFile(
  conn: DuckDBConnection, table: string, dir: string, file: string, hook?: (step: ArchiveStep) => void | Promise<void>,
): Promise<{ rows: number; bytes: number; sha256: string }> {
  const target = join(dir, assertArchiveFileName(file));
  const temp = `${target}${TEMP_SUFFIX}`;
  const quotedTable = `"${assertPartitionName(table)}"`;
  await rm(temp, { force: true });
  // Oldest first, so each row group covers a short time span and its min/max statistics skip well.
  await conn.run(`COPY (SELECT * FROM ${quotedTable} ORDER BY ts, seq) TO ${sqlString(temp)} (FORMAT parquet, COMPRESSION zstd)`);
  await syncPath(temp);
  await checkSchema(conn, temp);
  const written = await count(conn, `read_parquet(${sqlString(temp)})`);
  const stored = await count(conn, quotedTable);
  if (written !== stored) throw new Error(`archive file ${temp} holds ${written} events, the day table ${stored}`);
  await hook?.('copied');
  await rename(temp, target);
  await syncPath(dir);
  return { rows: written, bytes: (await stat(target)).size, sha256: await fileSha256(target) };
}

/** Removes temporary files of runs that stopped before renaming them; returns their names. */
export async function removeTempFiles(dir: string): Promise<string[]> {
  const removed: string[] = [];
  for (const name of await readdir(dir)) {
    if (!name.endsWith(TEMP_SUFFIX) || archiveFileDay(name.slice(0, -TEMP_SUFFIX.length)) === undefined) continue;
    await rm(join(dir, name), { force: true });
    removed.push(name);
  }
  return removed;
}

/** Archive file names in `dir` that the catalog does not list (left by a crash), with their day. */
export async function unrecordedFiles(dir: string, recorded: ReadonlySet<string>): Promise<{ file: string; day: number }[]> {
  const found: { file: string; day: number }[] = [];
  for (const file of await readdir(dir)) {
    const day = archiveFileDay(file);
    if (day !== undefined && !recorded.has(file)) found.push({ file, day });
  }
  return found;
}

export async function fileSha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** The Parquet file must read back with the day tables' exact columns, so the search SQL runs on it unchanged. */
async function checkSchema(conn: DuckDBConnection, path: string): Promise<void> {
  const described = (await conn.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet(${sqlString(path)})`)).getRows()
    .map(([name, type]) => `${String(name)} ${String(type)}`);
  const expected = EVENT_COLUMNS.map((c) => `${c.name} ${c.type.split(' ')[0]}`);
  if (described.join(', ') !== expected.join(', ')) {
    throw new Error(`archive file ${path} reads back with columns (${described.join(', ')}), expected (${expected.join(', ')})`);
  }
}

async function count(conn: DuckDBConnection, from: string): Promise<number> {
  return Number((await conn.runAndReadAll(`SELECT count(*) FROM ${from}`)).getRows()[0]?.[0] ?? -1);
}

/** fsync of a file or a folder (a folder: so a rename in it survives a power loss). */
async function syncPath(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
