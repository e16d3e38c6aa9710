import type { AuditStore } from '../store/audit-store.ts';
import { ChainVerifier, type ChainReport } from './audit-chain.ts';
import type { AuditHead } from './audit-entry.ts';

/** Entries hashed between two turns of the event loop, so a server verifying a long log keeps answering. */
const ENTRIES_PER_TURN = 2000;

/**
 * Verifies the whole audit log: every entry against its hash and its predecessor, then the newest
 * entry against the head anchor kept outside the database. Walks the log in constant memory.
 * The anchor is read before the entries, so entries appended meanwhile leave it behind (harmless),
 * never ahead (which would look like deleted entries).
 *
 * @example
 * const report = await verifyAuditLog(state.audit);
 * if (!report.ok) console.error(`entry ${report.problem.seq}: ${report.problem.reason}`);
 * @see ChainVerifier
 */
export async function verifyAuditLog(store: AuditStore): Promise<ChainReport> {
  let anchor: AuditHead | undefined;
  let anchorProblem: string | undefined;
  try {
    anchor = store.readAnchor();
  } catch (err) {
    anchorProblem = (err as Error).message;
  }
  const verifier = new ChainVerifier(anchor);
  let sinceTurn = 0;
  for (const entry of store.entries()) {
    if (verifier.add(entry)) break;
    if (++sinceTurn === ENTRIES_PER_TURN) {
      sinceTurn = 0;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  const report = verifier.finish();
  // An anchor that exists but cannot be read is a finding even for an empty log: someone may have emptied it.
  if (anchorProblem !== undefined && (report.ok || report.problem.kind === 'anchor-missing')) {
    const seq = report.ok ? report.head?.seq : report.problem.seq;
    return { ok: false, checked: report.checked, problem: { kind: 'anchor-missing', seq, reason: `${anchorProblem}, so deletion of the newest entries cannot be ruled out` } };
  }
  return report;
}
