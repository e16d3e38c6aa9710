/**
 * Reads NDJSON lines of the OTRF (Mordor) Windows datasets in place, from their .zip and .tar.gz
 * archives, for tests and benchmarks. Some .tar.gz archives in the set are truncated: their complete
 * lines are read and the cut-off last line is left out.
 */
import { fileURLToPath } from 'node:url';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { constants, gunzipSync } from 'node:zlib';
import { unzipSync } from 'fflate';

export const OTRF_WINDOWS = fileURLToPath(new URL('../../shared/datasets/otrf/datasets/atomic/windows', import.meta.url));

/** Archive paths under the OTRF Windows folder, sorted; empty when the folder is absent. */
export function otrfArchives(root = OTRF_WINDOWS): string[] {
  if (!existsSync(root)) return [];
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.zip') || name.endsWith('.tar.gz')) found.push(path);
    }
  };
  walk(root);
  return found;
}

/** Up to `limit` non-empty lines of the JSON files inside one archive. */
export function readOtrfLines(archive: string, limit = Infinity): string[] {
  const texts = archive.endsWith('.zip') ? zipTexts(archive) : tarGzTexts(archive);
  const lines: string[] = [];
  for (const text of texts) {
    for (const line of text.split('\n')) {
      if (lines.length >= limit) return lines;
      const trimmed = line.trim();
      if (trimmed !== '') lines.push(trimmed);
    }
  }
  return lines;
}

function zipTexts(archive: string): string[] {
  const files = unzipSync(readFileSync(archive), { filter: (f) => f.name.endsWith('.json') && !f.name.includes('__MACOSX') });
  const decoder = new TextDecoder();
  return Object.keys(files).sort().map((name) => decoder.decode(files[name]));
}

function tarGzTexts(archive: string): string[] {
  const tar = gunzipSync(readFileSync(archive), { finishFlush: constants.Z_SYNC_FLUSH });
  const decoder = new TextDecoder();
  const texts: string[] = [];
  let offset = 0;
  while (offset + 512 <= tar.length) {
    const header = tar.subarray(offset, offset + 512);
    const name = decoder.decode(header.subarray(0, 100)).replace(/\0.*$/s, '');
    if (name === '') break;
    const size = Number.parseInt(decoder.decode(header.subarray(124, 136)).replace(/\0.*$/s, '').trim() || '0', 8);
    const type = String.fromCharCode(header[156] ?? 0);
    const start = offset + 512;
    const end = Math.min(start + size, tar.length);
    if ((type === '0' || type === '\0') && name.endsWith('.json') && !name.includes('._')) {
      let text = decoder.decode(tar.subarray(start, end));
      if (end < start + size) text = text.slice(0, text.lastIndexOf('\n') + 1); // truncated archive
      texts.push(text);
    }
    offset = start + Math.ceil(size / 512) * 512;
  }
  return texts;
}
