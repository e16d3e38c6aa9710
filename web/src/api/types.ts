/** Shapes of the Vigil HTTP API (`/api/v1`) as the console uses them, and their decoders. */
import { arr, bool, num, obj, optNum, optStr, str } from './decode.ts';

export interface User {
  id: string;
  username: string;
  role: string;
  mustChangePassword: boolean;
  /** Permission names the user's role grants: the console shows only what they may do. */
  permissions: string[];
  /** `local` (password) or `oidc:<provider>` (single sign-on). */
  authSource: string;
  /** Two-step sign-in (an authenticator app) is on. */
  mfaEnabled: boolean;
  /** The server requires two-step sign-in and it is not on yet: the console shows only the enrollment. */
  mfaEnrollmentRequired: boolean;
}

/** A password sign-in either completes or asks for the second step with a short-lived challenge. */
export type LoginOutcome = { user: User } | { challenge: string };

/** Intake protocols a source can use; unknown kinds from a newer server are shown as-is. */
export const SOURCE_KINDS = ['syslog', 'http', 'hec', 'elastic', 'otlp', 'file', 'demo'] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

/** Kinds a user can add from the console: the ones that authenticate shippers with a token. */
export const TOKEN_KINDS = ['http', 'hec', 'elastic', 'otlp'] as const satisfies readonly SourceKind[];
export type TokenKind = (typeof TOKEN_KINDS)[number];

export interface SourceStats {
  eventsTotal: number;
  parseErrorsTotal: number;
  lastEventAt: number | undefined;
  /** Average over the last minute. */
  eventsPerSecond: number;
  /** Events per minute, oldest first, the last bucket ending at {@link minuteEnd}. */
  perMinute: number[];
  minuteEnd: number;
}

export interface ParseErrorSample {
  at: number;
  reason: string;
  sample: string;
}

export interface Source {
  id: string;
  name: string;
  kind: string;
  sourceType: string;
  createdAt: number;
  revokedAt: number | undefined;
  hasToken: boolean;
  stats: SourceStats;
  recentErrors: ParseErrorSample[];
}

export interface SourceType {
  name: string;
  description: string;
}

/** A field value as stored; anything else a server might send is shown as JSON. */
export type FieldValue = string | number | boolean | null | readonly unknown[] | Record<string, unknown>;

export interface VigilEvent {
  seq: string;
  timestamp: number;
  receivedAt: number;
  source: string;
  sourceType: string;
  fields: Record<string, FieldValue>;
  original: string;
  parseError: string | undefined;
}

export interface Status {
  version: string;
  uptimeSeconds: number;
  events: { total: number; bytes: number; oldest: number | undefined; newest: number | undefined };
  pipeline: { pendingEvents: number; saturated: boolean; eventsPerSecond: number };
}

/** Decodes `{ user }`. */
export function decodeUser(body: unknown): User {
  const u = obj(obj(body, 'the answer').user, 'user');
  return {
    id: str(u.id, 'user.id'),
    username: str(u.username, 'user.username'),
    role: str(u.role, 'user.role'),
    mustChangePassword: bool(u.mustChangePassword, 'user.mustChangePassword'),
    // Absent from older servers: no permissions means the console offers nothing it cannot check.
    permissions: u.permissions === undefined ? [] : arr(u.permissions, 'user.permissions').map((p, i) => str(p, `user.permissions[${i}]`)),
    authSource: u.authSource === undefined ? 'local' : str(u.authSource, 'user.authSource'),
    mfaEnabled: u.mfaEnabled === undefined ? false : bool(u.mfaEnabled, 'user.mfaEnabled'),
    mfaEnrollmentRequired: u.mfaEnrollmentRequired === undefined ? false : bool(u.mfaEnrollmentRequired, 'user.mfaEnrollmentRequired'),
  };
}

export function decodeLoginOutcome(body: unknown): LoginOutcome {
  const b = obj(body, 'the answer');
  if (b.mfaRequired === true) return { challenge: str(b.challenge, 'challenge') };
  return { user: decodeUser(body) };
}

function decodeStats(v: unknown, what: string): SourceStats {
  const s = obj(v, what);
  const perMinute = arr(s.perMinute, `${what}.perMinute`).map((n, i) => num(n, `${what}.perMinute[${i}]`));
  return {
    eventsTotal: num(s.eventsTotal, `${what}.eventsTotal`),
    parseErrorsTotal: num(s.parseErrorsTotal, `${what}.parseErrorsTotal`),
    lastEventAt: optNum(s.lastEventAt, `${what}.lastEventAt`),
    eventsPerSecond: num(s.eventsPerSecond, `${what}.eventsPerSecond`),
    perMinute,
    minuteEnd: num(s.minuteEnd, `${what}.minuteEnd`),
  };
}

/** Decodes one source object. */
export function decodeSource(v: unknown, what = 'source'): Source {
  const s = obj(v, what);
  const errors = s.recentErrors === undefined ? [] : arr(s.recentErrors, `${what}.recentErrors`);
  return {
    id: str(s.id, `${what}.id`),
    name: str(s.name, `${what}.name`),
    kind: str(s.kind, `${what}.kind`),
    sourceType: str(s.sourceType, `${what}.sourceType`),
    createdAt: num(s.createdAt, `${what}.createdAt`),
    revokedAt: optNum(s.revokedAt, `${what}.revokedAt`),
    hasToken: bool(s.hasToken, `${what}.hasToken`),
    stats: decodeStats(s.stats, `${what}.stats`),
    recentErrors: errors.map((e, i) => {
      const o = obj(e, `${what}.recentErrors[${i}]`);
      return {
        at: num(o.at, `${what}.recentErrors[${i}].at`),
        reason: str(o.reason, `${what}.recentErrors[${i}].reason`),
        sample: optStr(o.sample, `${what}.recentErrors[${i}].sample`) ?? '',
      };
    }),
  };
}

/** Decodes `{ sources: [...] }`. */
export function decodeSources(body: unknown): Source[] {
  return arr(obj(body, 'the answer').sources, 'sources').map((s, i) => decodeSource(s, `sources[${i}]`));
}

/** What creating a source answers about it (no statistics yet). */
export interface CreatedSource {
  id: string;
  name: string;
  kind: string;
  sourceType: string;
  createdAt: number;
}

/** Decodes `{ source, token }` from creating a source. */
export function decodeCreatedSource(body: unknown): { source: CreatedSource; token: string } {
  const b = obj(body, 'the answer');
  const s = obj(b.source, 'source');
  return {
    source: {
      id: str(s.id, 'source.id'),
      name: str(s.name, 'source.name'),
      kind: str(s.kind, 'source.kind'),
      sourceType: str(s.sourceType, 'source.sourceType'),
      createdAt: num(s.createdAt, 'source.createdAt'),
    },
    token: str(b.token, 'token'),
  };
}

/** Decodes `{ sourceTypes: [...] }`. */
export function decodeSourceTypes(body: unknown): SourceType[] {
  return arr(obj(body, 'the answer').sourceTypes, 'sourceTypes').map((t, i) => {
    const o = obj(t, `sourceTypes[${i}]`);
    return { name: str(o.name, `sourceTypes[${i}].name`), description: optStr(o.description, `sourceTypes[${i}].description`) ?? '' };
  });
}

/** Decodes `{ events: [...] }`. */
export function decodeEvents(body: unknown): VigilEvent[] {
  return arr(obj(body, 'the answer').events, 'events').map((e, i) => {
    const what = `events[${i}]`;
    const o = obj(e, what);
    return {
      seq: str(o.seq, `${what}.seq`),
      timestamp: num(o.timestamp, `${what}.timestamp`),
      receivedAt: num(o.receivedAt, `${what}.receivedAt`),
      source: str(o.source, `${what}.source`),
      sourceType: str(o.sourceType, `${what}.sourceType`),
      fields: obj(o.fields ?? {}, `${what}.fields`) as Record<string, FieldValue>,
      original: optStr(o.original, `${what}.original`) ?? '',
      parseError: optStr(o.parseError, `${what}.parseError`),
    };
  });
}

/** Decodes the `/status` answer. */
export function decodeStatus(body: unknown): Status {
  const b = obj(body, 'the answer');
  const ev = obj(b.events, 'events');
  const p = obj(b.pipeline, 'pipeline');
  return {
    version: str(b.version, 'version'),
    uptimeSeconds: num(b.uptimeSeconds, 'uptimeSeconds'),
    events: {
      total: num(ev.total, 'events.total'),
      bytes: num(ev.bytes, 'events.bytes'),
      oldest: optNum(ev.oldest, 'events.oldest'),
      newest: optNum(ev.newest, 'events.newest'),
    },
    pipeline: {
      // Servers have named this `pendingRecords` (records accepted but not yet stored) or `pendingEvents`.
      pendingEvents: num(p.pendingEvents ?? p.pendingRecords, 'pipeline.pendingEvents'),
      saturated: bool(p.saturated, 'pipeline.saturated'),
      eventsPerSecond: num(p.eventsPerSecond, 'pipeline.eventsPerSecond'),
    },
  };
}
