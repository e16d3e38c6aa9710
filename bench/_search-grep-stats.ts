/**
 * The grep side of `stats count() by host.name, event.code` in bench/search.ts: what someone holding
 * the events as NDJSON files would write instead of a shell pipeline (jq is several times slower).
 * Reads the files given as arguments (`.gz` ones through gunzip) line by line, parses each line as
 * JSON and counts lines by (Hostname, EventID) — `computer_name`/`event_id` in Winlogbeat 6 events —
 * leaving out lines without both, as `stats ... by` does. Prints `{ lines, groups: [[host, code, count], ...] }`.
 *
 * Usage: node bench/_search-grep-stats.ts <file>...
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';

const counts = new Map<string, number>();
let lines = 0;
for (const file of process.argv.slice(2)) {
  const raw = createReadStream(file);
  const input = file.endsWith('.gz') ? raw.pipe(createGunzip()) : raw;
  for await (const line of createInterface({ input, crlfDelay: Infinity })) {
    if (line === '') continue;
    lines++;
    const event = JSON.parse(line) as Record<string, unknown>;
    const host = event.Hostname ?? event.computer_name;
    const code = event.EventID ?? event.event_id;
    if (host === undefined || host === null || code === undefined || code === null) continue;
    const key = `${String(host)}\t${String(code)}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
}
const groups = [...counts].map(([key, count]) => [...key.split('\t'), count]);
process.stdout.write(JSON.stringify({ lines, groups }));
