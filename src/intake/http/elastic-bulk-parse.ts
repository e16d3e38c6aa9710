import { randomBytes } from 'node:crypto';
import { parseJsonObject } from '../../core/json.ts';
import type { InputLimits } from '../../core/limits.ts';
import { decodeUtf8, splitLines, type BodyLine } from './body.ts';
import { clip } from './common.ts';

/** Bulk operations Elasticsearch defines; only `index` and `create` are accepted (Vigil is append-only). */
export type BulkOp = 'index' | 'create' | 'update' | 'delete';
const OPS: ReadonlySet<string> = new Set(['index', 'create', 'update', 'delete']);

/** An error in Elasticsearch's shape, as it appears in a bulk item or an error reply. */
export interface EsErrorCause {
  type: string;
  reason: string;
}

/** One parsed bulk operation: a document to accept, or the error its response item carries. */
export type BulkItem =
  | { ok: true; op: 'index' | 'create'; index: string; id: string; doc: Record<string, unknown>; pipeline?: string }
  | { ok: false; op: BulkOp; index: string | null; id: string | null; status: number; error: EsErrorCause };

/** An Elasticsearch-style document id: 20 URL-safe characters, like the ids ES generates. */
export function generateId(): string {
  return randomBytes(15).toString('base64url');
}

type Action = { op: BulkOp; meta: Record<string, unknown> };

function parseAction(line: BodyLine): Action | string {
  const text = decodeUtf8(line.bytes);
  if (text === undefined) return 'action line is not valid UTF-8';
  const parsed = parseJsonObject(text, 3);
  if (!parsed.ok) return `malformed action line: ${parsed.reason}`;
  const keys = Object.keys(parsed.value);
  const op = keys[0];
  if (keys.length !== 1 || op === undefined || !OPS.has(op)) {
    return `action line must have exactly one of index, create, update, delete; found [${clip(keys.join(', '), 100)}]`;
  }
  const meta = parsed.value[op];
  if (meta === null || typeof meta !== 'object' || Array.isArray(meta)) return `"${op}" must map to an object`;
  return { op: op as BulkOp, meta: meta as Record<string, unknown> };
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/**
 * Parses a `_bulk` body (NDJSON action/metadata lines, each index/create/update followed by a source
 * line) into one item per operation, in order. Every problem stays local to its item, as a per-item
 * error; a malformed action line consumes the following line too unless that line is itself an
 * action, so the rest of the body stays aligned.
 */
export function parseBulk(body: Buffer, defaultIndex: string | undefined, defaultPipeline: string | undefined, limits: InputLimits): BulkItem[] {
  const lines = splitLines(body);
  const items: BulkItem[] = [];
  let i = 0;
  while (i < lines.length) {
    const actionLine = lines[i++]!;
    const action = parseAction(actionLine);
    if (typeof action === 'string') {
      const next = lines[i];
      if (next !== undefined && typeof parseAction(next) === 'string') i++;
      items.push(fail('index', null, null, 400, 'illegal_argument_exception', `line ${actionLine.line}: ${action}`));
      continue;
    }
    const { op, meta } = action;
    const index = str(meta._index) ?? defaultIndex ?? null;
    const givenId = str(meta._id) ?? null;
    if (op === 'delete') {
      items.push(fail(op, index, givenId, 400, 'illegal_argument_exception', 'Vigil is append-only: delete is not supported'));
      continue;
    }
    const sourceLine = lines[i++];
    if (sourceLine === undefined) {
      items.push(fail(op, index, givenId, 400, 'illegal_argument_exception', `line ${actionLine.line}: ${op} action has no source line`));
      continue;
    }
    if (op === 'update') {
      items.push(fail(op, index, givenId, 400, 'illegal_argument_exception', 'Vigil is append-only: update is not supported'));
      continue;
    }
    if (index === null) {
      items.push(fail(op, null, givenId, 400, 'action_request_validation_exception', 'Validation Failed: 1: index is missing;'));
      continue;
    }
    const doc = parseSource(sourceLine, limits);
    if (typeof doc === 'string') {
      items.push(fail(op, index, givenId, 400, 'document_parsing_exception', `line ${sourceLine.line}: ${doc}`));
      continue;
    }
    const pipeline = str(meta.pipeline) ?? defaultPipeline;
    items.push({ ok: true, op, index, id: givenId ?? generateId(), doc, ...(pipeline ? { pipeline } : {}) });
  }
  return items;
}

/** A source document, or why it cannot be one. Also used for single-document APIs. */
export function parseSource(line: BodyLine, limits: InputLimits): Record<string, unknown> | string {
  if (line.bytes.length > limits.maxRecordBytes) {
    return `document of ${line.bytes.length} bytes exceeds the ${limits.maxRecordBytes}-byte limit`;
  }
  const text = decodeUtf8(line.bytes);
  if (text === undefined) return 'document is not valid UTF-8';
  const parsed = parseJsonObject(text, limits.maxJsonDepth);
  return parsed.ok ? parsed.value : clip(parsed.reason);
}

function fail(op: BulkOp, index: string | null, id: string | null, status: number, type: string, reason: string): BulkItem {
  return { ok: false, op, index, id, status, error: { type, reason } };
}
