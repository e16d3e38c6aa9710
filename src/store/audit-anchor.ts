import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { AuditHead } from '../audit/audit-entry.ts';
import type { AuditAnchor } from './audit-store.ts';

const HASH = /^[0-9a-f]{64}$/;

/**
 * The audit head in a small JSON file (`<dataDir>/audit.head`), rewritten after every append: written
 * to a temporary file, flushed to disk, then renamed over the old one, so a crash leaves either the old
 * or the new head, never a torn file.
 */
export class FileAuditAnchor implements AuditAnchor {
  private readonly path: string;

  constructor(path: string) {
    this.path = path;
  }

  read(): AuditHead | undefined {
    if (!existsSync(this.path)) return undefined;
    const text = readFileSync(this.path, 'utf8');
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new Error(`the audit anchor ${this.path} is not valid JSON`);
    }
    const head = parsed as Partial<AuditHead> | null;
    if (!head || !Number.isSafeInteger(head.seq) || (head.seq as number) < 1 || typeof head.hash !== 'string' || !HASH.test(head.hash)) {
      throw new Error(`the audit anchor ${this.path} does not hold a sequence number and a hash`);
    }
    return { seq: head.seq as number, hash: head.hash };
  }

  write(head: AuditHead): void {
    const temporary = `${this.path}.tmp`;
    writeFileSync(temporary, `${JSON.stringify({ seq: head.seq, hash: head.hash })}\n`, { mode: 0o600, flush: true });
    renameSync(temporary, this.path);
  }
}

/** The head kept in memory, for in-memory databases (tests). */
export class MemoryAuditAnchor implements AuditAnchor {
  private head: AuditHead | undefined;

  read(): AuditHead | undefined {
    return this.head;
  }

  write(head: AuditHead): void {
    this.head = { ...head };
  }
}
