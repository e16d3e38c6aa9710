/**
 * Dispatch by logsource: given thousands of rules, find the few whose logsource can match an event
 * with one lookup (stream → channel → event ID), so a Sysmon 13 event is only offered to the
 * registry_set / registry_event / sysmon rules. Buckets are built on first use of a combination and
 * kept (bounded), so steady-state dispatch allocates nothing unless a target has a predicate.
 */
import type { NormalizedEvent } from '../../core/event.ts';
import { channelOf, eventIdOf, streamOf } from './event-stream.ts';
import type { LogsourceTarget } from './logsource.ts';

type Accepts = (event: NormalizedEvent) => boolean;

interface Bucket<T> {
  /** Items whose logsource the stream, channel and event ID alone satisfy. */
  always: readonly T[];
  /** Items that also need a predicate (any of theirs) to hold. */
  conditional: readonly { item: T; accepts: readonly Accepts[] }[];
}

const ANY_CHANNEL = '\u0000any';
const MAX_BUCKETS = 20_000;

/**
 * @example
 * const index = new LogsourceIndex<CompiledRule>();
 * for (const rule of rules) { const m = mapLogsource(rule.logsource); if (m.supported) index.add(m.targets, rule); }
 * for (const rule of index.candidates(event)) rule.matches(sigmaEventFor(event));
 */
export class LogsourceIndex<T> {
  private readonly entries: { item: T; targets: readonly LogsourceTarget[] }[] = [];
  private buckets = new Map<string, Map<string, Map<number, Bucket<T>>>>();
  private bucketCount = 0;

  /** Registers an item under its logsource's targets. */
  add(targets: readonly LogsourceTarget[], item: T): void {
    this.entries.push({ item, targets });
    this.buckets = new Map();
    this.bucketCount = 0;
  }

  get size(): number {
    return this.entries.length;
  }

  /** Every item whose logsource accepts the event, each once (unconditional ones first, each group in the order added). */
  candidates(event: NormalizedEvent): readonly T[] {
    const bucket = this.bucketFor(event);
    if (bucket.conditional.length === 0) return bucket.always;
    const found = bucket.always.slice();
    for (const { item, accepts } of bucket.conditional) {
      if (accepts.some((test) => test(event))) found.push(item);
    }
    return found;
  }

  private bucketFor(event: NormalizedEvent): Bucket<T> {
    const stream = streamOf(event);
    const channel = channelOf(event, stream);
    const eventId = eventIdOf(event, stream) ?? -1;
    const byChannel = this.buckets.get(stream);
    const byId = byChannel?.get(channel ?? ANY_CHANNEL);
    const cached = byId?.get(eventId);
    if (cached) return cached;
    const bucket = this.build(stream, channel, eventId);
    // Channel names come from the data: past the bound, buckets are built per event rather than kept.
    if (this.bucketCount < MAX_BUCKETS) {
      let channels = byChannel;
      if (!channels) this.buckets.set(stream, (channels = new Map()));
      let ids = channels.get(channel ?? ANY_CHANNEL);
      if (!ids) channels.set(channel ?? ANY_CHANNEL, (ids = new Map()));
      ids.set(eventId, bucket);
      this.bucketCount++;
    }
    return bucket;
  }

  private build(stream: string, channel: string | undefined, eventId: number): Bucket<T> {
    const always: T[] = [];
    const conditional: { item: T; accepts: Accepts[] }[] = [];
    for (const { item, targets } of this.entries) {
      let unconditional = false;
      const accepts: Accepts[] = [];
      for (const target of targets) {
        if (target.stream !== stream) continue;
        if (target.channels !== undefined && (channel === undefined || !target.channels.includes(channel))) continue;
        if (target.eventIds !== undefined && !target.eventIds.includes(eventId)) continue;
        if (target.accepts === undefined) unconditional = true;
        else accepts.push(target.accepts);
      }
      if (unconditional) always.push(item);
      else if (accepts.length > 0) conditional.push({ item, accepts });
    }
    return { always, conditional };
  }
}
