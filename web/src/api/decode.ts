/**
 * Small runtime checks for API answers. The server is ours, but a proxy error page, a version mismatch
 * or a half-written answer must produce a clear message instead of a blank screen or a crash deep in
 * a component.
 */
import { ApiError } from './errors.ts';

type Obj = Record<string, unknown>;

function fail(what: string, expected: string): never {
  throw new ApiError(0, 'bad_response', `Unexpected answer from the server: ${what} should be ${expected}.`);
}

/** The value as a plain object, or a {@link ApiError}. */
export function obj(v: unknown, what: string): Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(what, 'an object');
  return v as Obj;
}

/** The value as an array, or a {@link ApiError}. */
export function arr(v: unknown, what: string): unknown[] {
  if (!Array.isArray(v)) fail(what, 'a list');
  return v;
}

/** The value as a string (numbers are accepted and converted: ids may be numeric). */
export function str(v: unknown, what: string): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return fail(what, 'text');
}

/** The value as a finite number (numeric strings are accepted: 64-bit counters may come as text). */
export function num(v: unknown, what: string): number {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return fail(what, 'a number');
}

/** Like {@link num}, but `undefined` and `null` mean "absent". */
export function optNum(v: unknown, what: string): number | undefined {
  return v === undefined || v === null ? undefined : num(v, what);
}

/** Like {@link str}, but `undefined` and `null` mean "absent". */
export function optStr(v: unknown, what: string): string | undefined {
  return v === undefined || v === null ? undefined : str(v, what);
}

/** The value as a boolean; absent means false. */
export function bool(v: unknown, what: string): boolean {
  if (v === undefined || v === null) return false;
  if (typeof v !== 'boolean') fail(what, 'true or false');
  return v;
}
