import type { IntakeKind, RawRecord } from '../core/event.ts';

/**
 * Raised when the pipeline cannot take records now (queue full, or the journal's disk refuses writes);
 * HTTP adapters answer 429/503 with Retry-After, TCP pauses. Nothing of the refused batch was kept.
 */
export class BackpressureError extends Error {
  override name = 'BackpressureError';
  readonly retryAfterSeconds: number;
  constructor(retryAfterSeconds: number, reason = 'ingest queue is full') {
    super(`${reason}; retry after ${retryAfterSeconds}s`);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** Receipt for accepted records: their journal sequence numbers, inclusive. */
export interface SubmitReceipt {
  firstSeq: number;
  lastSeq: number;
}

/**
 * Where every intake adapter hands its records. Implemented by the pipeline; adapters depend on this
 * interface only, so they are tested with the real pipeline or any other implementation alike.
 */
export interface IntakeSink {
  /**
   * Accepts records durably: the promise resolves once they are written to the journal and fsynced,
   * so an acknowledgement sent after it survives a crash. Rejects with {@link BackpressureError} when
   * the pipeline is saturated (nothing of the batch was accepted then).
   */
  submit(records: RawRecord[]): Promise<SubmitReceipt>;
  /** True while the pipeline wants intake to slow down (TCP listeners pause reading). */
  readonly saturated: boolean;
  /** Resolves when the pipeline has room again. */
  waitForCapacity(): Promise<void>;
  /** True once every record up to `seq` is in the event store (Splunk HEC indexer acknowledgement). */
  isStored(seq: number): boolean;
}

/** A configured intake source as the adapters see it. */
export interface IntakeSource {
  id: string;
  name: string;
  kind: IntakeKind;
  /** Parser for its records, or `auto`. */
  sourceType: string;
}

/** Resolves an intake token to its source; undefined for unknown or revoked tokens. */
export interface IntakeAuthenticator {
  authenticate(token: string): IntakeSource | undefined;
}
