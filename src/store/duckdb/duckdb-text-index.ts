import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import { WORD_CHARS } from '../../search/sql/word-pattern.ts';
import type { PartitionInfo } from './duckdb-query.ts';
import { assertPartitionName } from './duckdb-schema.ts';
import type { SerialQueue } from './serial-queue.ts';

/**
 * Word index for free-text search (see word-pattern.ts for what a word is).
 *
 * Each day table `events_YYYYMMDD` gets a companion `text_index_YYYYMMDD(token_hash, block)`: the
 * distinct words of `lower(original)` per block of {@link TEXT_INDEX_BLOCK_ROWS} events (`block =
 * seq // blockRows`). A search for a plain term asks it which blocks hold all the term's words, then
 * runs the real predicate over those blocks only (`seq BETWEEN`, which DuckDB's zone maps turn into
 * skipped row groups) plus the events not indexed yet. The index only narrows: the predicate decides.
 *
 * Everything runs inside DuckDB (tokenizing and hashing with fixed SQL), so indexing costs no
 * JavaScript time on the ingest worker's thread, and query words are hashed by the same function.
 *
 * Measured on the 10M-event benchmark store (one DuckDB thread, 2-core machine shared with other
 * work, load 3 to 7): 556 s to index the 10M events (~55 µs an event; ~22 µs on a quieter machine),
 * ~4M index rows a day of 1.43M events; a word looked up in a compacted day ~2 ms. `token_hash`
 * keeps 32 bits of DuckDB's 64-bit hash: half the size, and a collision only costs reading one more
 * block (a chance of ~1 in 400,000 a word and block). Blocks of 4,096 events hold ~11,000 distinct
 * words each and cost ~10-20 ms to verify.
 */

/** Events per block: what one index row points at. Recorded per day, so changing it needs no rebuild. */
export const TEXT_INDEX_BLOCK_ROWS = 4_096;
/**
 * Events indexed per transaction. Indexing runs on the writer connection between appends, so this
 * bounds how long an append arriving meanwhile waits (~0.3 s).
 */
export const TEXT_INDEX_CHUNK_ROWS = 16_384;
/** Most seq ranges one partition's scan is narrowed to; more are merged across their smallest gaps. */
const MAX_RANGES = 16;
/** Most words looked up for one search (the longest: they tend to be the rarest). */
const MAX_WORDS = 16;

/** Separators between words: the complement of the word characters of the query language's pattern. */
const SEPARATORS = `'[^${WORD_CHARS}]+'`;
const tokenHash = (word: string) => `(hash(${word}) >> 32)::UINTEGER`;

/**
 * Per day: how far its index reaches. `indexed_rows` counts the day's events with seq <= `indexed_seq`;
 * `compacted_seq` is the `indexed_seq` at the day's last compaction.
 */
const CREATE_STATE_SQL = `CREATE TABLE IF NOT EXISTS text_index_state (
  day INTEGER NOT NULL, table_name VARCHAR NOT NULL, indexed_seq BIGINT NOT NULL, indexed_rows BIGINT NOT NULL,
  block_rows INTEGER NOT NULL, compacted_seq BIGINT NOT NULL)`;

/** `text_index_YYYYMMDD` for `events_YYYYMMDD`. */
export function textIndexTable(partition: string): string {
  return `text_index_${assertPartitionName(partition).slice('events_'.length)}`;
}

/** What a search needs to use a day's index. */
export interface TextIndexCoverage {
  /** The index table. */
  index: string;
  /** Events with a higher seq are not indexed yet: a search reads them all. */
  indexedSeq: number;
  /** Every event of the day was indexed when the search started: no unindexed events to read. */
  complete: boolean;
  blockRows: number;
}

interface DayState {
  table: string;
  indexedSeq: number;
  indexedRows: number;
  blockRows: number;
  compactedSeq: number;
}

export interface TextIndexerOptions {
  /** The store's write queue: indexing takes turns with appends, retention and archiving. */
  writes: SerialQueue;
  /** The writer connection, reopened when the store was broken (call only inside `writes`). */
  writer: () => Promise<DuckDBConnection>;
  /** The current day tables. */
  partitions: () => Iterable<PartitionInfo>;
  /** True while an append waits for or holds the write queue: indexing then steps aside. */
  appendWaiting: () => boolean;
  /** Called with an error indexing hit (the store marks fatal ones); indexing retries later. */
  failed: (err: unknown) => void;
  /** False: neither build nor use the index (the baseline tests compare searches with). */
  enabled: boolean;
  blockRows: number;
  chunkRows: number;
  /** Called each time every event is indexed (tests wait for it). */
  idle?: () => void;
}

/** After a failure, indexing waits this long before trying again (a full disk does not heal at once). */
const RETRY_AFTER_MS = 30_000;

/**
 * Builds the word index behind ingest: never while an append waits, in chunks of
 * {@link TextIndexerOptions.chunkRows} events, newest day first (recent events are searched most),
 * then the backlog (stores written before the index existed, or while ingest never paused).
 */
export class TextIndexer {
  private readonly options: TextIndexerOptions;
  private readonly days = new Map<number, DayState>();
  private running = false;
  private again = false;
  private stopped = false;
  private retryAt = 0;
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(options: TextIndexerOptions) {
    this.options = options;
  }

  /**
   * Creates the state table if needed and reads it; run once the catalog is loaded. The index of a
   * day the catalog no longer has, or with more rows than the day (dropped and written again by a
   * Vigil without the index), is dropped to be built again.
   */
  async load(conn: DuckDBConnection): Promise<void> {
    await conn.run(CREATE_STATE_SQL);
    // Stores indexed by the first version of the index, the same day, lack the column.
    await conn.run('ALTER TABLE text_index_state ADD COLUMN IF NOT EXISTS compacted_seq BIGINT DEFAULT 0');
    const reader = await conn.runAndReadAll('SELECT day, table_name, indexed_seq, indexed_rows, block_rows, compacted_seq FROM text_index_state');
    const partitions = new Map([...this.options.partitions()].map((p) => [p.day, p]));
    this.days.clear();
    for (const [day, table, seq, rows, blockRows, compacted] of reader.getRows()) {
      const state = {
        table: String(table), indexedSeq: Number(seq), indexedRows: Number(rows), blockRows: Number(blockRows), compactedSeq: Number(compacted),
      };
      const p = partitions.get(Number(day));
      if (p && p.table === state.table && state.indexedRows <= p.rows) this.days.set(Number(day), state);
      else await this.drop(conn, Number(day), assertPartitionName(state.table));
    }
  }

  /** The index of a day table, if it has one yet. */
  coverage(p: PartitionInfo): TextIndexCoverage | undefined {
    if (!this.options.enabled) return undefined;
    const state = this.days.get(p.day);
    if (!state || state.table !== p.table) return undefined;
    return { index: textIndexTable(p.table), indexedSeq: state.indexedSeq, complete: state.indexedRows >= p.rows, blockRows: state.blockRows };
  }

  /** Drops a day's index; run inside the transaction that drops the day, then call {@link forget}. */
  async drop(conn: DuckDBConnection, day: number, table: string): Promise<void> {
    await conn.run(`DROP TABLE IF EXISTS "${textIndexTable(table)}"`);
    await conn.run('DELETE FROM text_index_state WHERE day = $day', { day });
  }

  /** Forgets a day whose drop committed. */
  forget(day: number): void {
    this.days.delete(day);
  }

  /** Starts indexing what is not indexed yet, unless it runs already; call after appends and at open. */
  kick(): void {
    if (this.stopped || !this.options.enabled) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    this.again = false;
    void this.run().finally(() => {
      this.running = false;
      if (this.again) this.kick();
    });
  }

  /** No more indexing after this; a chunk under way finishes (the store's close waits for its queue). */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
  }

  private async run(): Promise<void> {
    while (!this.stopped && Date.now() >= this.retryAt && !this.options.appendWaiting()) {
      let pending: boolean;
      try {
        pending = await this.options.writes.run(() => this.step());
      } catch (err) {
        this.retryAt = Date.now() + RETRY_AFTER_MS;
        this.options.failed(err);
        // An idle store gets no append to kick indexing again.
        clearTimeout(this.retryTimer);
        this.retryTimer = setTimeout(() => this.kick(), RETRY_AFTER_MS).unref();
        return;
      }
      if (!pending) {
        // An append that came meanwhile brings more to index: not idle.
        if (!this.options.appendWaiting()) this.options.idle?.();
        return;
      }
      // Let an append that arrived meanwhile queue up before the next chunk.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** Indexes one chunk or compacts one day; false when there is nothing to do. Runs on the write queue. */
  private async step(): Promise<boolean> {
    if (this.stopped) return false;
    // An append queued behind this step goes first: returning "pending" ends nothing, its
    // completion kicks indexing again.
    if (this.options.appendWaiting()) return true;
    const days = [...this.options.partitions()].sort((a, b) => b.day - a.day);
    const state = (p: PartitionInfo) => {
      const known = this.days.get(p.day);
      return known && known.table === p.table ? known : undefined;
    };
    // The newest day with events not indexed.
    const unindexed = days.find((p) => p.rows > (state(p)?.indexedRows ?? 0));
    if (unindexed) {
      await this.indexChunk(await this.options.writer(), unindexed);
      return true;
    }
    // Then a day that no longer receives events (not the newest) with rows added since its last compaction.
    const settled = days.slice(1).find((p) => {
      const s = state(p);
      return s !== undefined && s.indexedSeq > s.compactedSeq;
    });
    if (settled) {
      await this.compact(await this.options.writer(), settled, state(settled)!);
      return true;
    }
    return false;
  }

  private async indexChunk(conn: DuckDBConnection, p: PartitionInfo): Promise<void> {
    const table = assertPartitionName(p.table);
    const index = textIndexTable(table);
    const known = this.days.get(p.day);
    const state = known && known.table === table ? known : undefined;
    const blockRows = state?.blockRows ?? this.options.blockRows;
    const after = state?.indexedSeq ?? 0;
    await conn.run('BEGIN TRANSACTION');
    try {
      // Seqs only grow, and a day's rows arrive in seq order: the next chunk is the next rows by seq.
      const chunk = await conn.runAndReadAll(
        `SELECT count(*), max(seq) FROM (SELECT seq FROM "${table}" WHERE seq > $after::BIGINT ORDER BY seq LIMIT $chunk::BIGINT)`,
        { after, chunk: this.options.chunkRows },
      );
      const [count, last] = chunk.getRows()[0] ?? [0, null];
      const rows = Number(count);
      let next: DayState;
      if (rows > 0) {
        await conn.run(`CREATE TABLE IF NOT EXISTS "${index}" (token_hash UINTEGER NOT NULL, block BIGINT NOT NULL)`);
        // Split on spaces first (fast) and keep each block's distinct pieces: log lines repeat most
        // of their pieces, so the regex split, the slow part, sees a fraction of the text (3x
        // faster). A space separates words, so the words are the same. Sorted by hash, each chunk's
        // rows have narrow min/max zone maps and a lookup reads few row groups.
        await conn.run(`INSERT INTO "${index}"
          SELECT DISTINCT ${tokenHash('word')} AS token_hash, block FROM (
            SELECT block, unnest(regexp_split_to_array(piece, ${SEPARATORS})) AS word FROM (
              SELECT DISTINCT seq // $block_rows::BIGINT AS block, unnest(string_split(lower(original), ' ')) AS piece
              FROM "${table}" WHERE seq > $after::BIGINT AND seq <= $last::BIGINT))
          WHERE word <> ''
          ORDER BY token_hash, block`, { after, last: Number(last), block_rows: blockRows });
        next = { table, indexedSeq: Number(last), indexedRows: (state?.indexedRows ?? 0) + rows, blockRows, compactedSeq: state?.compactedSeq ?? 0 };
      } else {
        // The catalog counted rows the table does not have past the watermark: nothing to index.
        next = { table, indexedSeq: after, indexedRows: p.rows, blockRows, compactedSeq: state?.compactedSeq ?? 0 };
      }
      await conn.run('DELETE FROM text_index_state WHERE day = $day', { day: p.day });
      await conn.run('INSERT INTO text_index_state VALUES ($day, $table, $seq::BIGINT, $rows::BIGINT, $block_rows, $compacted::BIGINT)', {
        day: p.day, table, seq: next.indexedSeq, rows: next.indexedRows, block_rows: blockRows, compacted: next.compactedSeq,
      });
      await conn.run('COMMIT');
      this.days.set(p.day, next);
    } catch (err) {
      await rollbackQuietly(conn);
      throw err;
    }
  }

  /**
   * Rewrites a day's index sorted by hash, without duplicates. Chunks are sorted one by one, but
   * DuckDB fills each row group with the end of one chunk and the start of the next, so the min/max
   * zone maps of an unsorted index span every hash and a lookup reads all of it (~11 ms a word and
   * day at 1.43M events); sorted, a lookup reads one row group (~2 ms). Done once a day stops
   * receiving events (~3 s for 1.43M events, one transaction).
   */
  private async compact(conn: DuckDBConnection, p: PartitionInfo, state: DayState): Promise<void> {
    const index = textIndexTable(assertPartitionName(p.table));
    const sorted = `${index}_sorted`;
    await conn.run('BEGIN TRANSACTION');
    try {
      await conn.run(`CREATE TABLE "${sorted}" (token_hash UINTEGER NOT NULL, block BIGINT NOT NULL)`);
      await conn.run(`INSERT INTO "${sorted}" SELECT DISTINCT token_hash, block FROM "${index}" ORDER BY token_hash, block`);
      await conn.run(`DROP TABLE "${index}"`);
      await conn.run(`ALTER TABLE "${sorted}" RENAME TO "${index}"`);
      await conn.run('UPDATE text_index_state SET compacted_seq = $seq::BIGINT WHERE day = $day', { seq: state.indexedSeq, day: p.day });
      await conn.run('COMMIT');
      state.compactedSeq = state.indexedSeq;
    } catch (err) {
      await rollbackQuietly(conn);
      throw err;
    }
  }
}

/** Seq ranges of one day table that can hold matches: `ranges` (inclusive) plus everything above `after`. */
export interface SeqRanges {
  ranges: [number, number][];
  after: number;
}

/** Runs one statement and returns its rows (under the search's deadline). */
export type RunQuery = (sql: string, params: Record<string, DuckDBValue>) => Promise<DuckDBValue[][]>;

/**
 * For each index in `indexes`, the seq ranges whose events may contain every word of every term in
 * `terms` (lowercased term texts, see CompiledSearch.indexTerms); undefined when the terms have no
 * words to look up. Terms are split into words by DuckDB, with the same expression as the index.
 */
export async function candidateRanges(run: RunQuery, indexes: readonly TextIndexCoverage[], terms: readonly string[]): Promise<SeqRanges[] | undefined> {
  if (indexes.length === 0 || terms.length === 0) return undefined;
  const termParams = Object.fromEntries(terms.map((t, i) => [`t${i}`, t]));
  const words = (await run(
    `SELECT DISTINCT word FROM (SELECT unnest(regexp_split_to_array(t, ${SEPARATORS})) AS word FROM (SELECT unnest([${terms.map((_, i) => `$t${i}`).join(', ')}]) AS t))
     WHERE word <> '' ORDER BY length(word) DESC, word LIMIT ${MAX_WORDS}`,
    termParams,
  )).map(([w]) => String(w));
  if (words.length === 0) return undefined;
  const lookups = indexes.flatMap((coverage, i) => words.map((_, k) =>
    `SELECT ${i} AS i, ${k} AS k, block FROM "${assertIndexName(coverage.index)}" WHERE token_hash = ${tokenHash(`$w${k}`)}`));
  const rows = await run(
    `SELECT i, block FROM (${lookups.join(' UNION ALL ')}) GROUP BY i, block HAVING count(DISTINCT k) = ${words.length} ORDER BY i, block`,
    Object.fromEntries(words.map((w, k) => [`w${k}`, w])),
  );
  const blocks: number[][] = indexes.map(() => []);
  for (const [i, block] of rows) blocks[Number(i)]!.push(Number(block));
  return indexes.map((coverage, i) => ({ ranges: mergeRanges(blocks[i]!, coverage.blockRows, coverage.indexedSeq), after: coverage.indexedSeq }));
}

/**
 * Seq ranges of the sorted `blocks` (adjacent ones joined, none above `indexedSeq`), at most
 * {@link MAX_RANGES}: beyond that the smallest gaps are filled in (reading a few more events is
 * cheaper than a long OR of ranges).
 */
export function mergeRanges(blocks: readonly number[], blockRows: number, indexedSeq: number): [number, number][] {
  const ranges: [number, number][] = [];
  for (const block of blocks) {
    const lo = block * blockRows;
    const hi = Math.min(lo + blockRows - 1, indexedSeq);
    if (lo > hi) continue;
    const last = ranges[ranges.length - 1];
    if (last && last[1] + 1 >= lo) last[1] = Math.max(last[1], hi);
    else ranges.push([lo, hi]);
  }
  if (ranges.length <= MAX_RANGES) return ranges;
  const gaps = ranges.slice(1).map((r, i) => ({ at: i + 1, size: r[0] - ranges[i]![1] })).sort((a, b) => b.size - a.size);
  const kept = new Set(gaps.slice(0, MAX_RANGES - 1).map((g) => g.at));
  const merged: [number, number][] = [];
  ranges.forEach((r, i) => {
    if (i === 0 || kept.has(i)) merged.push([r[0], r[1]]);
    else merged[merged.length - 1]![1] = r[1];
  });
  return merged;
}

async function rollbackQuietly(conn: DuckDBConnection): Promise<void> {
  try {
    await conn.run('ROLLBACK');
  } catch {
    // DuckDB already rolled back a failed commit.
  }
}

const INDEX_NAME = /^text_index_\d{8}$/;

function assertIndexName(name: string): string {
  if (!INDEX_NAME.test(name)) throw new Error(`not a text index table name: ${JSON.stringify(name)}`);
  return name;
}
