/**
 * The one place that talks HTTP to the Vigil server: same-origin JSON with the session cookie, the
 * CSRF header on every state-changing request, and the server's `{ error: { code, message } }` turned
 * into an {@link ApiError}.
 */
import { ApiError } from './errors.ts';
import {
  decodeCreatedSource, decodeLoginOutcome, decodeSources, decodeSourceTypes, decodeStatus, decodeUser,
  type CreatedSource, type LoginOutcome, type Source, type SourceType, type Status, type TokenKind, type User,
} from './types.ts';

const BASE = '/api/v1';

type Listener = () => void;
const unauthorizedListeners = new Set<Listener>();

/** Calls `fn` whenever an API call answers 401 (the session expired or was revoked). */
export function onUnauthorized(fn: Listener): () => void {
  unauthorizedListeners.add(fn);
  return () => unauthorizedListeners.delete(fn);
}

interface RequestOptions {
  body?: unknown;
  signal?: AbortSignal | undefined;
  /** Login and session probes answer 401 as a normal outcome: do not announce an expired session. */
  quiet401?: boolean;
  /** A body sent as it is with its media type instead of JSON (file uploads: a zip archive, YAML). */
  raw?: { data: Blob | string; type: string };
}

function retryAfter(res: Response): number | undefined {
  const v = res.headers.get('retry-after');
  if (v === null) return undefined;
  const n = Number(v);
  return Number.isFinite(n) && n >= 0 ? Math.ceil(n) : undefined;
}

function fallbackMessage(status: number): string {
  if (status === 401) return 'You are not signed in.';
  if (status === 403) return 'You do not have permission to do that.';
  if (status === 404) return 'Not found.';
  if (status === 429) return 'Too many requests. Wait a moment and try again.';
  if (status >= 500) return `The server failed to answer (HTTP ${status}).`;
  return `The request was refused (HTTP ${status}).`;
}

/** One API call: JSON in, JSON (undecoded) out, errors as {@link ApiError}. Feature clients decode the answer. */
export async function request(method: string, path: string, opts: RequestOptions = {}): Promise<unknown> {
  const headers: Record<string, string> = { accept: 'application/json' };
  let body: Blob | string | undefined;
  if (method !== 'GET' && method !== 'HEAD') {
    headers['x-vigil-csrf'] = '1';
    headers['content-type'] = opts.raw?.type ?? 'application/json';
    // Always send a JSON body: an empty body with a JSON content type is a parse error server-side.
    body = opts.raw?.data ?? JSON.stringify(opts.body ?? {});
  }
  let res: Response;
  try {
    res = await fetch(BASE + path, { method, headers, body, credentials: 'same-origin', signal: opts.signal ?? null });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError(0, 'unreachable', 'Cannot reach the Vigil server. Check that it is running and your network connection.');
  }
  if (res.status === 401 && !opts.quiet401) for (const fn of unauthorizedListeners) fn();
  if (res.status === 204) return undefined;

  const text = await res.text();
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    if (!res.ok) throw new ApiError(res.status, 'http_error', fallbackMessage(res.status), retryAfter(res));
    throw new ApiError(res.status, 'bad_response', `The server sent an answer that is not JSON (HTTP ${res.status}).`);
  }
  if (!res.ok) {
    const e = typeof json === 'object' && json !== null ? (json as { error?: unknown }).error : undefined;
    const code = typeof e === 'object' && e !== null && typeof (e as { code?: unknown }).code === 'string'
      ? (e as { code: string }).code : 'http_error';
    const message = typeof e === 'object' && e !== null && typeof (e as { message?: unknown }).message === 'string'
      ? (e as { message: string }).message : fallbackMessage(res.status);
    const { code: _code, message: _message, ...details } = typeof e === 'object' && e !== null ? (e as Record<string, unknown>) : {};
    throw new ApiError(res.status, code, message, retryAfter(res), details);
  }
  return json;
}

/**
 * Signs in with a password; answers the user (whose `mustChangePassword` may force a password change
 * first) or, when two-step sign-in is on, a challenge for {@link completeMfaLogin} in mfa-client.ts.
 */
export async function login(username: string, password: string): Promise<LoginOutcome> {
  return decodeLoginOutcome(await request('POST', '/auth/login', { body: { username, password }, quiet401: true }));
}

/** Ends the session. */
export async function logout(): Promise<void> {
  await request('POST', '/auth/logout', { quiet401: true });
}

/** The signed-in user, or an {@link ApiError} with status 401 when there is no session. */
export async function me(signal?: AbortSignal): Promise<User> {
  return decodeUser(await request('GET', '/auth/me', { signal, quiet401: true }));
}

/** Changes the signed-in user's password; a 400 carries the password policy's message. */
export async function changePassword(currentPassword: string, newPassword: string): Promise<void> {
  // A wrong current password must not look like an expired session, so 401 is handled by the form.
  await request('POST', '/auth/password', { body: { currentPassword, newPassword }, quiet401: true });
}

/** All sources with their ingest statistics and recent parse errors. */
export async function listSources(signal?: AbortSignal): Promise<Source[]> {
  return decodeSources(await request('GET', '/sources', { signal }));
}

/** Creates a source; the token in the answer is never shown again. */
export async function createSource(input: { name: string; kind: TokenKind; sourceType: string }): Promise<{ source: CreatedSource; token: string }> {
  return decodeCreatedSource(await request('POST', '/sources', { body: input }));
}

/** Revokes a source and its token. */
export async function revokeSource(id: string): Promise<void> {
  await request('DELETE', `/sources/${encodeURIComponent(id)}`);
}

/** Source types (parsers) the server knows. */
export async function listSourceTypes(signal?: AbortSignal): Promise<SourceType[]> {
  return decodeSourceTypes(await request('GET', '/source-types', { signal }));
}

/** Server, store and pipeline figures. */
export async function getStatus(signal?: AbortSignal): Promise<Status> {
  return decodeStatus(await request('GET', '/status', { signal }));
}
