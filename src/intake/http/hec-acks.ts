/**
 * Splunk HEC indexer acknowledgement state: per channel, ack ids handed out in order, each bound to
 * the journal sequence of the last record of its request. An ack is true once the event store holds
 * that sequence (`IntakeSink.isStored`); a true ack is reported once and then forgotten, like HEC.
 *
 * Bounded: at most `maxPendingPerChannel` unreported acks per channel (the request is refused as
 * busy beyond that) and `maxChannels` channels, least recently used evicted first. An evicted
 * channel's acks read false, so a sender resends: duplicates are possible, loss is not.
 */
interface Channel {
  nextId: number;
  pending: Map<number, number>;
}

export class HecAckRegistry {
  private readonly channels = new Map<string, Channel>();
  private readonly maxChannels: number;
  private readonly maxPendingPerChannel: number;

  constructor(maxChannels: number, maxPendingPerChannel: number) {
    this.maxChannels = maxChannels;
    this.maxPendingPerChannel = maxPendingPerChannel;
  }

  /** False when the channel already holds the maximum of unreported acks. */
  hasRoom(channel: string): boolean {
    return (this.channels.get(channel)?.pending.size ?? 0) < this.maxPendingPerChannel;
  }

  /** Registers a request whose last record has journal sequence `seq`; returns its ack id. */
  add(channel: string, seq: number): number {
    const state = this.touch(channel) ?? this.create(channel);
    const id = state.nextId++;
    state.pending.set(id, seq);
    return id;
  }

  /** Status of each asked id; ids reported true are forgotten. Unknown ids read false. */
  query(channel: string, ids: readonly number[], isStored: (seq: number) => boolean): Record<string, boolean> {
    const state = this.touch(channel);
    const out: Record<string, boolean> = {};
    for (const id of ids) {
      const seq = state?.pending.get(id);
      const done = seq !== undefined && isStored(seq);
      if (done) state!.pending.delete(id);
      out[String(id)] = done;
    }
    return out;
  }

  /** Number of channels currently tracked. */
  get size(): number {
    return this.channels.size;
  }

  private touch(channel: string): Channel | undefined {
    const state = this.channels.get(channel);
    if (state) {
      this.channels.delete(channel);
      this.channels.set(channel, state);
    }
    return state;
  }

  private create(channel: string): Channel {
    while (this.channels.size >= this.maxChannels) {
      const oldest = this.channels.keys().next();
      if (oldest.done) break;
      this.channels.delete(oldest.value);
    }
    const state: Channel = { nextId: 0, pending: new Map() };
    this.channels.set(channel, state);
    return state;
  }
}
