/**
 * Turns a stream of tar bytes into a pull-based sequence of members using the `tar` package's
 * streaming parser (pax, GNU long names, base-256 sizes). Bytes are written to the parser only as fast
 * as the current member is consumed (the parser's `drain`), so memory stays constant.
 */
import { Parser, type ReadEntry } from 'tar';

/** One regular file inside a tar archive. */
export interface TarMember {
  path: string;
  size: number;
  /** The member's bytes; consume fully or not at all (the next member starts afterwards). */
  data: AsyncIterable<Uint8Array>;
  /** True once the archive ended before this member's declared size was read. */
  truncated(): boolean;
  /** The error that broke the archive stream itself, if any (as opposed to a problem in this member). */
  outerError(): unknown;
}

const FILE_TYPES = new Set(['File', 'OldFile', 'ContiguousFile']);
const MAX_WARNINGS = 10;

/**
 * Yields the regular-file members of a tar stream. Non-file members (directories, links, devices) are
 * passed over; `onWarning` receives the parser's complaints about damaged data when the archive is
 * done (each distinct one once, with a count; at most ten distinct ones). An error of the input stream (e.g. truncated gzip) ends the
 * current member's data with that error and is rethrown, unless it comes after the end-of-archive
 * marker: then every member was read, and it goes to `onErrorAfterEnd` instead.
 */
export async function* tarMembers(
  chunks: AsyncIterable<Uint8Array>,
  onWarning: (message: string) => void,
  onSkip: (path: string, reason: string) => void,
  onErrorAfterEnd: (err: unknown) => void,
): AsyncGenerator<TarMember> {
  const parser = new Parser({ strict: false });
  const queue: ReadEntry[] = [];
  const truncated = new WeakSet<ReadEntry>();
  let wake: (() => void) | undefined;
  let done = false;
  let failure: unknown;
  let current: ReadEntry | undefined;
  let stopped = false;
  let sawEnd = false;
  const notify = (): void => {
    const w = wake;
    wake = undefined;
    w?.();
  };

  parser.on('entry', (entry: ReadEntry) => {
    queue.push(entry);
    notify();
  });
  // Damage repeats per 512-byte block; each distinct complaint is reported once, with its count.
  const warnings = new Map<string, number>();
  parser.on('warn', (code: string, message: string, data: { entry?: ReadEntry }) => {
    if (data?.entry && code === 'TAR_BAD_ARCHIVE') truncated.add(data.entry);
    const text = `${message} (${code})`;
    if (warnings.has(text) || warnings.size < MAX_WARNINGS) warnings.set(text, (warnings.get(text) ?? 0) + 1);
  });
  parser.on('error', (err: Error) => fail(err));
  // The end-of-archive marker (two zero blocks): what follows is padding, nothing can be lost there.
  parser.on('eof', () => (sawEnd = true));
  parser.on('end', () => {
    done = true;
    notify();
  });

  function fail(err: unknown): void {
    if (failure !== undefined) return;
    failure = err;
    // Whoever is reading the current member must see the error, not wait forever for more data.
    current?.destroy(err instanceof Error ? err : new Error(String(err)));
    notify();
  }

  let drained: (() => void) | undefined;
  parser.on('drain', () => {
    const d = drained;
    drained = undefined;
    d?.();
  });
  const pump = (async () => {
    try {
      for await (const chunk of chunks) {
        if (stopped) return;
        if (!parser.write(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength))) {
          await new Promise<void>((resolve) => (drained = resolve));
        }
        if (stopped) return;
      }
      parser.end();
    } catch (err) {
      if (!sawEnd) return fail(err);
      onErrorAfterEnd(err);
      parser.end();
    }
  })();

  try {
    for (;;) {
      while (queue.length === 0 && !done && failure === undefined) await new Promise<void>((r) => (wake = r));
      const entry = queue.shift();
      if (entry === undefined) {
        if (failure !== undefined) throw failure;
        return;
      }
      if (!FILE_TYPES.has(entry.type)) {
        if (entry.type !== 'Directory') onSkip(entry.path, `${entry.type} entry, not a regular file`);
        entry.resume();
        continue;
      }
      current = entry;
      yield { path: entry.path, size: entry.size ?? 0, data: entry, truncated: () => truncated.has(entry), outerError: () => failure };
      // Let the parser move on even if the consumer skipped this member.
      entry.resume();
      current = undefined;
    }
  } finally {
    stopped = true;
    drained?.();
    current?.resume();
    await pump;
    for (const [text, count] of warnings) onWarning(count > 1 ? `${text}, ${count} times` : text);
  }
}
