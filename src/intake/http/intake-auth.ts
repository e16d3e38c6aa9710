import type { FastifyRequest } from 'fastify';
import type { IntakeKind } from '../../core/event.ts';
import type { IntakeAuthenticator, IntakeSource } from '../intake-sink.ts';

/**
 * Outcome of checking a request's intake token:
 * - `missing`: no credentials at all (HTTP 401),
 * - `malformed`: an Authorization header we cannot read (401),
 * - `invalid`: a well-formed token that names no source (403 for HEC, 401 elsewhere),
 * - `wrong-kind`: a valid token of a source configured for another protocol (403).
 */
export type AuthResult =
  | { ok: true; source: IntakeSource }
  | { ok: false; reason: 'missing' | 'malformed' | 'invalid' | 'wrong-kind'; message: string };

type TokenResult = { ok: true; token: string } | { ok: false; reason: 'missing' | 'malformed'; message: string };

// Longest token we bother to look up; anything longer is not a token of ours.
const MAX_TOKEN_LENGTH = 1024;

/**
 * Reads the intake token from `Authorization`. Accepted schemes: `Bearer <token>`, `Splunk <token>`,
 * `Basic base64(user:token)` (the password is the token, user is ignored, as shippers' `username`
 * fields demand something) and `ApiKey base64(id:token)` (Elasticsearch API keys: the key part is the
 * token). Scheme names are case-insensitive.
 */
export function extractToken(authorization: string | undefined): TokenResult {
  if (authorization === undefined || authorization.trim() === '') {
    return { ok: false, reason: 'missing', message: 'no Authorization header' };
  }
  const value = authorization.trim();
  const space = value.indexOf(' ');
  if (space === -1) return { ok: false, reason: 'malformed', message: 'Authorization header has no scheme' };
  const scheme = value.slice(0, space).toLowerCase();
  const credentials = value.slice(space + 1).trim();
  if (credentials === '' || credentials.length > MAX_TOKEN_LENGTH * 2) {
    return { ok: false, reason: 'malformed', message: 'Authorization credentials are empty or too long' };
  }
  switch (scheme) {
    case 'bearer':
    case 'splunk':
      return { ok: true, token: credentials };
    case 'basic':
    case 'apikey': {
      const decoded = decodeBase64Pair(credentials);
      if (decoded === undefined) {
        const form = scheme === 'basic' ? 'base64(user:token)' : 'base64(id:key)';
        return { ok: false, reason: 'malformed', message: `${scheme === 'basic' ? 'Basic' : 'ApiKey'} credentials must be ${form}` };
      }
      return { ok: true, token: decoded };
    }
    default:
      return { ok: false, reason: 'malformed', message: `unsupported Authorization scheme "${value.slice(0, Math.min(space, 32))}"` };
  }
}

/** Second half of base64 `a:b`, or undefined when the text is not base64 of such a pair. */
function decodeBase64Pair(b64: string): string | undefined {
  if (!isBase64(b64)) return undefined;
  const text = Buffer.from(b64, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  if (colon === -1) return undefined;
  const secret = text.slice(colon + 1);
  return secret === '' ? undefined : secret;
}

function isBase64(s: string): boolean {
  if (s.length % 4 === 1) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const ok = (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 43 || c === 47 ||
      (c === 61 && i >= s.length - 2) || c === 45 || c === 95;
    if (!ok) return false;
  }
  return true;
}

/**
 * Authenticates a request for one intake protocol. A token only opens the protocol its source is
 * configured for, so a leaked OTLP token cannot write HEC events tagged with another source's name.
 */
export function authenticateRequest(request: FastifyRequest, auth: IntakeAuthenticator, kind: IntakeKind): AuthResult {
  const extracted = extractToken(request.headers.authorization);
  if (!extracted.ok) return extracted;
  if (extracted.token.length > MAX_TOKEN_LENGTH) return { ok: false, reason: 'invalid', message: 'invalid token' };
  const source = auth.authenticate(extracted.token);
  if (!source) return { ok: false, reason: 'invalid', message: 'invalid token' };
  if (source.kind !== kind) {
    return {
      ok: false,
      reason: 'wrong-kind',
      message: `token belongs to source "${source.name}" which is configured for ${source.kind} intake, not ${kind}`,
    };
  }
  return { ok: true, source };
}
