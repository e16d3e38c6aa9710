/**
 * The audit log's hash chain: every entry's hash covers its content and the previous entry's hash,
 * so changing or removing any entry breaks the chain from there on. Pure: no I/O (hashing only).
 * See docs/audit.md for what the chain can and cannot show.
 */
import { createHash } from 'node:crypto';
import type { AuditEntry, AuditHead } from './audit-entry.ts';

/** `prevHash` of the first entry. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * JSON with object keys sorted (by UTF-16 code units, as RFC 8785 does) and no whitespace, so equal
 * values always give the same text whatever their key order. Otherwise like `JSON.stringify`:
 * `toJSON` is honoured, undefined/function members are left out of objects and become `null` in arrays.
 *
 * @example
 * canonicalJson({ b: 1, a: [true, null] }) // '{"a":[true,null],"b":1}'
 */
export function canonicalJson(value: unknown): string {
  if (typeof value === 'bigint') throw new TypeError('canonicalJson: bigint has no JSON form');
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  const withJson = value as { toJSON?: () => unknown };
  if (typeof withJson.toJSON === 'function') return canonicalJson(withJson.toJSON());
  if (Array.isArray(value)) return `[${value.map((item) => (isOmitted(item) ? 'null' : canonicalJson(item))).join(',')}]`;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).filter((key) => !isOmitted(record[key])).sort();
  return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`).join(',')}}`;
}

function isOmitted(value: unknown): boolean {
  return value === undefined || typeof value === 'function' || typeof value === 'symbol';
}

/** The fields an entry's hash covers: everything but the hash itself and the previous hash (chained separately). */
export function hashedFields(entry: Omit<AuditEntry, 'hash' | 'prevHash'>): Record<string, unknown> {
  return {
    seq: entry.seq, at: entry.at,
    actorKind: entry.actorKind, actorId: entry.actorId ?? null, actorName: entry.actorName ?? null,
    action: entry.action, targetType: entry.targetType ?? null, targetId: entry.targetId ?? null,
    outcome: entry.outcome, address: entry.address ?? null, details: entry.details,
  };
}

/**
 * SHA-256 (hex) of `prevHash + "\n" + canonicalJson(fields)`.
 *
 * @example
 * const hash = entryHash(GENESIS_HASH, { seq: 1, at: Date.now(), actorKind: 'system', action: 'vigil.start', outcome: 'success', details: {} });
 */
export function entryHash(prevHash: string, entry: Omit<AuditEntry, 'hash' | 'prevHash'>): string {
  return createHash('sha256').update(`${prevHash}\n${canonicalJson(hashedFields(entry))}`).digest('hex');
}

export type ChainProblemKind = 'edited' | 'deleted' | 'reordered' | 'truncated' | 'anchor-missing' | 'anchor-mismatch';

export interface ChainProblem {
  kind: ChainProblemKind;
  /** The entry where the problem shows (absent when the log is empty). */
  seq?: number;
  reason: string;
}

export type ChainReport =
  | { ok: true; checked: number; head?: AuditHead; notes: string[] }
  | { ok: false; checked: number; problem: ChainProblem };

/**
 * Checks entries one at a time (in sequence order), so a log of any size is verified in constant memory.
 * Stops at the first problem: everything after a break is unverifiable anyway.
 *
 * @example
 * const verifier = new ChainVerifier(anchor);
 * for (const entry of store.entries()) if (verifier.add(entry)) break;
 * const report = verifier.finish();
 * @see verifyChain for arrays
 */
export class ChainVerifier {
  private readonly anchor: AuditHead | undefined;
  private last: AuditEntry | undefined;
  private checked = 0;
  private problem: ChainProblem | undefined;
  /** Hash of the entry at `anchor.seq`, seen while streaming, for an anchor that lags behind the log. */
  private anchoredHash: string | undefined;

  /** `anchor`: the head recorded outside the database; undefined when there is none. */
  constructor(anchor: AuditHead | undefined) {
    this.anchor = anchor;
  }

  /** Checks the next entry; returns the problem found (then stop feeding), else undefined. */
  add(entry: AuditEntry): ChainProblem | undefined {
    if (this.problem) return this.problem;
    this.problem = this.check(entry);
    if (this.problem) return this.problem;
    this.checked += 1;
    this.last = entry;
    if (entry.seq === this.anchor?.seq) this.anchoredHash = entry.hash;
    return undefined;
  }

  private check(entry: AuditEntry): ChainProblem | undefined {
    const previous = this.last;
    const seq = entry.seq;
    if (previous && seq <= previous.seq) {
      return { kind: 'reordered', seq, reason: `entry ${seq} comes after entry ${previous.seq}: entries are out of order or duplicated` };
    }
    if (entryHash(entry.prevHash, entry) !== entry.hash) {
      return { kind: 'edited', seq, reason: `entry ${seq} was changed after it was written: its hash does not match its content` };
    }
    const expectedSeq = previous ? previous.seq + 1 : 1;
    if (seq !== expectedSeq) {
      const missing = seq - 1 === expectedSeq ? `entry ${expectedSeq} is` : `entries ${expectedSeq} to ${seq - 1} are`;
      return { kind: 'deleted', seq, reason: `${missing} missing (deleted) before entry ${seq}` };
    }
    const expectedPrev = previous ? previous.hash : GENESIS_HASH;
    if (entry.prevHash !== expectedPrev) {
      const before = previous ? `entry ${previous.seq}'s hash` : 'the start of the chain';
      return {
        kind: 'deleted', seq,
        reason: `entry ${seq} does not link to ${before}: entries were deleted and the rest renumbered, or the previous entry was replaced`,
      };
    }
    return undefined;
  }

  /** The verdict once every entry was added: the chain, then the newest entries against the anchor. */
  finish(): ChainReport {
    const { checked, last, anchor } = this;
    if (this.problem) return { ok: false, checked, problem: this.problem };
    if (!anchor) {
      if (!last) return { ok: true, checked, notes: [] };
      return {
        ok: false, checked,
        problem: { kind: 'anchor-missing', seq: last.seq, reason: 'the head anchor (audit.head) is missing or unreadable, so deletion of the newest entries cannot be ruled out' },
      };
    }
    const head = last && { seq: last.seq, hash: last.hash };
    if (!last || anchor.seq > last.seq) {
      const have = last ? `the log ends at entry ${last.seq}` : 'the log is empty';
      return { ok: false, checked, problem: { kind: 'truncated', seq: last?.seq, reason: `the newest entries were deleted: the anchor records entry ${anchor.seq} but ${have}` } };
    }
    if (this.anchoredHash !== anchor.hash) {
      return {
        ok: false, checked,
        problem: { kind: 'anchor-mismatch', seq: anchor.seq, reason: `entry ${anchor.seq} differs from the one recorded in the anchor: the log was rewritten from there on` },
      };
    }
    const behind = last.seq - anchor.seq;
    // The anchor is written just after each commit, so a crash in between leaves it one entry behind.
    const notes = behind > 0 ? [`the anchor is ${behind} entr${behind === 1 ? 'y' : 'ies'} behind the log (written before a crash or by a concurrent writer); entries after ${anchor.seq} are checked by the chain only`] : [];
    return { ok: true, checked, head, notes };
  }
}

/** {@link ChainVerifier} over an array or other iterable. */
export function verifyChain(entries: Iterable<AuditEntry>, anchor: AuditHead | undefined): ChainReport {
  const verifier = new ChainVerifier(anchor);
  for (const entry of entries) if (verifier.add(entry)) break;
  return verifier.finish();
}

/** Appends a record to a chain in memory: what the store does inside its transaction. */
export function chainEntry(previous: AuditHead | undefined, record: Omit<AuditEntry, 'seq' | 'prevHash' | 'hash'>): AuditEntry {
  const seq = (previous?.seq ?? 0) + 1;
  const prevHash = previous?.hash ?? GENESIS_HASH;
  const entry = { ...record, seq, prevHash, hash: '' };
  entry.hash = entryHash(prevHash, entry);
  return entry;
}
