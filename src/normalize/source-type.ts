import type { EventFields } from '../core/event.ts';

export { ParseError } from '../core/parse-error.ts';

/** What a source type knows about the record besides its content. */
export interface NormalizeContext {
  receivedAt: number;
  meta?: Record<string, string>;
}

/**
 * One family of logs Vigil understands (syslog, Windows, CloudTrail, ...): how to recognise its
 * records and how to map them to ECS. Pure: no I/O, no clock, no globals.
 *
 * Text source types receive the record's text; object source types receive a decoded JSON object
 * (text that is a JSON object is decoded once, with limits, before object source types see it).
 */
export interface TextSourceType {
  readonly name: string;
  readonly description: string;
  readonly input: 'text';
  /** Cheap test used by auto-detection; must not throw. */
  detect(text: string): boolean;
  /** ECS fields, including `@timestamp` (ISO 8601) when the record carries a time. Throws {@link ParseError}. */
  normalize(text: string, ctx: NormalizeContext): EventFields;
}

export interface ObjectSourceType {
  readonly name: string;
  readonly description: string;
  readonly input: 'object';
  detect(record: Record<string, unknown>): boolean;
  normalize(record: Record<string, unknown>, ctx: NormalizeContext): EventFields;
}

export type SourceType = TextSourceType | ObjectSourceType;
