/**
 * How a file or archive member is read, decided by its name (and, for top-level files with a plain
 * name, by magic bytes, so a rotated `messages.1` that is really gzip still works).
 */
import { Readable, pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';

export type FileFormat = 'lines' | 'json' | 'gzip' | 'tgz' | 'tar' | 'zip' | 'evtx' | 'unsupported';

export interface FormatChoice {
  format: FileFormat;
  /** For `gzip`: the name without `.gz`, which decides how the decompressed bytes are read. */
  inner: string;
  /** For `unsupported`: what to tell the user. */
  reason?: string;
}

const UNSUPPORTED: Record<string, string> = {
  '.bz2': 'bzip2 is not supported; decompress it or recompress with gzip',
  '.xz': 'xz is not supported; decompress it or recompress with gzip',
  '.zst': 'zstd is not supported; decompress it or recompress with gzip',
  '.lz4': 'lz4 is not supported; decompress it or recompress with gzip',
  '.7z': '7-Zip archives are not supported; use zip or tar.gz',
  '.rar': 'RAR archives are not supported; use zip or tar.gz',
};

/** Picks the reader for a file or member name. */
export function formatOf(name: string): FormatChoice {
  const lower = name.toLowerCase();
  if (lower.endsWith('.tar.gz') || lower.endsWith('.tgz')) return { format: 'tgz', inner: name };
  if (lower.endsWith('.gz')) return { format: 'gzip', inner: name.slice(0, -3) };
  if (lower.endsWith('.zip')) return { format: 'zip', inner: name };
  if (lower.endsWith('.tar')) return { format: 'tar', inner: name };
  if (lower.endsWith('.json')) return { format: 'json', inner: name };
  if (lower.endsWith('.evtx')) return { format: 'evtx', inner: name };
  const dot = lower.lastIndexOf('.');
  const ext = dot >= 0 ? lower.slice(dot) : '';
  const reason = UNSUPPORTED[ext];
  if (reason !== undefined) return { format: 'unsupported', inner: name, reason };
  // .log, .txt, .ndjson, .jsonl and anything else: one record per line.
  return { format: 'lines', inner: name };
}

/** Refines a name-based choice with the first bytes of a top-level file. */
export function sniffFormat(choice: FormatChoice, head: Uint8Array): FormatChoice {
  if (choice.format !== 'lines' && choice.format !== 'json') return choice;
  if (head[0] === 0x1f && head[1] === 0x8b) return { format: 'gzip', inner: choice.inner };
  if (head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04) return { format: 'zip', inner: choice.inner };
  // "ElfF": an EVTX log under another name (e.g. a copied Security.evtx.bak).
  if (head[0] === 0x45 && head[1] === 0x6c && head[2] === 0x66 && head[3] === 0x46) return { format: 'evtx', inner: choice.inner };
  if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)) {
    return { format: 'unsupported', inner: choice.inner, reason: 'UTF-16 text is not supported; convert it to UTF-8' };
  }
  return choice;
}

/** True for archive members that are metadata, not logs: dot files and macOS `__MACOSX/` forks. */
export function isHiddenMember(path: string): boolean {
  for (const segment of path.split('/')) {
    if (segment === '__MACOSX') return true;
    if (segment.startsWith('.') && segment !== '.' && segment !== '..') return true;
  }
  return false;
}

/** A decompression failure, with a message naming the format. */
export class DecompressError extends Error {
  override name = 'DecompressError';
}

/**
 * Gunzips a byte stream (multi-member gzip included). zlib errors become {@link DecompressError}:
 * "gzip data is truncated" for an archive cut short, "gzip data is corrupt: …" otherwise.
 */
export async function* gunzip(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  const out = pipeline(Readable.from(chunks), createGunzip({ chunkSize: 64 * 1024 }), () => {});
  try {
    for await (const chunk of out) yield chunk as Uint8Array;
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'Z_BUF_ERROR') throw new DecompressError('gzip data is truncated (unexpected end of file)');
    if (typeof e.code === 'string' && e.code.startsWith('Z_')) throw new DecompressError(`gzip data is corrupt: ${e.message}`);
    throw err;
  }
}
