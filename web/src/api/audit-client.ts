/** The audit log API (`/api/v1/audit`): search, export links and chain verification. Needs `audit:read`. */
import { request } from './client.ts';
import { arr, num, obj, optNum, optStr, str } from './decode.ts';

/** One audit entry. Names, addresses and details can be attacker-controlled (failed sign-ins): render as text. */
export interface AuditEntry {
  seq: number;
  at: number;
  /** `session`, `token`, `anonymous` or `system`. */
  actorKind: string;
  actorId: string | undefined;
  actorName: string | undefined;
  action: string;
  targetType: string | undefined;
  targetId: string | undefined;
  /** `success`, `denied` or `failure`. */
  outcome: string;
  address: string | undefined;
  details: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

export interface AuditPage {
  entries: AuditEntry[];
  nextCursor: number | undefined;
}

export type AuditVerification =
  | { ok: true; checked: number; notes: string[] }
  | { ok: false; checked: number; problem: { kind: string; seq: number | undefined; reason: string } };

function decodeEntry(v: unknown, i: number): AuditEntry {
  const e = obj(v, `entry ${i}`);
  return {
    seq: num(e.seq, 'seq'), at: num(e.at, 'at'), actorKind: str(e.actorKind, 'actorKind'), actorId: optStr(e.actorId, 'actorId'),
    actorName: optStr(e.actorName, 'actorName'), action: str(e.action, 'action'), targetType: optStr(e.targetType, 'targetType'),
    targetId: optStr(e.targetId, 'targetId'), outcome: str(e.outcome, 'outcome'), address: optStr(e.address, 'address'),
    details: obj(e.details, 'details'), prevHash: str(e.prevHash, 'prevHash'), hash: str(e.hash, 'hash'),
  };
}

/** One page of entries matching `query` (see lib/audit-query.ts), newest first. */
export async function searchAudit(query: URLSearchParams, signal?: AbortSignal): Promise<AuditPage> {
  const answer = obj(await request('GET', `/audit?${query.toString()}`, { signal }), 'the answer');
  return { entries: arr(answer.entries, 'entries').map(decodeEntry), nextCursor: optNum(answer.nextCursor, 'nextCursor') };
}

/** Checks the whole hash chain on the server. */
export async function verifyAudit(signal?: AbortSignal): Promise<AuditVerification> {
  const answer = obj(await request('GET', '/audit/verify', { signal }), 'the answer');
  const checked = num(answer.checked, 'checked');
  if (answer.ok === true) return { ok: true, checked, notes: answer.notes === undefined ? [] : arr(answer.notes, 'notes').map((n) => str(n, 'note')) };
  const problem = obj(answer.problem, 'problem');
  return { ok: false, checked, problem: { kind: str(problem.kind, 'kind'), seq: optNum(problem.seq, 'seq'), reason: str(problem.reason, 'reason') } };
}

/** URL that downloads the export (the server sends it as an attachment with the session cookie). */
export function auditExportUrl(format: 'ndjson' | 'csv', range: { from?: number | undefined; to?: number | undefined }): string {
  const query = new URLSearchParams({ format });
  if (range.from !== undefined) query.set('from', String(range.from));
  if (range.to !== undefined) query.set('to', String(range.to));
  return `/api/v1/audit/export?${query.toString()}`;
}
