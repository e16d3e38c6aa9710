import type { EventFields, FieldValue } from './event.ts';

/**
 * True when `value` nests deeper than `maxDepth` objects/arrays. Iterative, so a hostile document
 * ("JSON bomb" of nested brackets) cannot exhaust the stack.
 */
export function depthExceeds(value: unknown, maxDepth: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth >= maxDepth) return true;
    const children = Array.isArray(v) ? v : Object.values(v);
    for (const child of children) if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
  }
  return false;
}

export type JsonObjectResult = { ok: true; value: Record<string, unknown> } | { ok: false; reason: string };

/** Decodes text that should hold one JSON object, refusing other JSON values and over-deep nesting. */
export function parseJsonObject(text: string, maxDepth: number): JsonObjectResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { ok: false, reason: `invalid JSON: ${(err as Error).message}` };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { ok: false, reason: 'JSON value is not an object' };
  }
  if (depthExceeds(value, maxDepth)) return { ok: false, reason: `JSON nested deeper than ${maxDepth} levels` };
  return { ok: true, value: value as Record<string, unknown> };
}

/**
 * Copies a nested object into `out` as dotted field names under `prefix`. Arrays of scalars stay
 * arrays; arrays of objects are kept as JSON text (their structure cannot be a flat field). Stops at
 * `maxDepth`, keeping the remainder as JSON text, so output size is bounded by input size.
 */
export function flattenInto(out: EventFields, value: unknown, prefix: string, maxDepth = 16): void {
  if (value === undefined) return;
  if (value === null || typeof value !== 'object') {
    out[prefix] = value as FieldValue;
    return;
  }
  if (Array.isArray(value)) {
    out[prefix] = value.every((v) => v !== null && typeof v !== 'object')
      ? (value as (string | number | boolean)[])
      : JSON.stringify(value);
    return;
  }
  if (maxDepth <= 0) {
    out[prefix] = JSON.stringify(value);
    return;
  }
  for (const [key, child] of Object.entries(value)) {
    flattenInto(out, child, prefix === '' ? key : `${prefix}.${key}`, maxDepth - 1);
  }
}
