/** An in-memory IntakeSink for syslog tests: records what it got and can be switched to saturated. */
import { BackpressureError, type IntakeSink, type SubmitReceipt } from '../../../src/intake/intake-sink.ts';
import type { RawRecord } from '../../../src/core/event.ts';

export class MemorySink implements IntakeSink {
  readonly records: RawRecord[] = [];
  /** Submit calls refused with BackpressureError. */
  refusals = 0;
  #saturated = false;
  /** When set, submit refuses even though `saturated` says false (a sink that changed its mind). */
  refuseNext = 0;
  /** When set, submit fails with a plain Error (a storage failure, not backpressure). */
  failNext = 0;
  #waiters: (() => void)[] = [];
  #arrivals: (() => void)[] = [];

  get saturated(): boolean {
    return this.#saturated;
  }

  set saturated(value: boolean) {
    this.#saturated = value;
    if (!value) for (const wake of this.#waiters.splice(0)) wake();
  }

  async submit(records: RawRecord[]): Promise<SubmitReceipt> {
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('journal write failed: disk full');
    }
    if (this.#saturated || this.refuseNext > 0) {
      if (this.refuseNext > 0) this.refuseNext--;
      this.refusals++;
      throw new BackpressureError(1);
    }
    const firstSeq = this.records.length + 1;
    this.records.push(...records);
    for (const wake of this.#arrivals.splice(0)) wake();
    return { firstSeq, lastSeq: firstSeq + records.length - 1 };
  }

  waitForCapacity(): Promise<void> {
    if (!this.#saturated) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  isStored(seq: number): boolean {
    return seq <= this.records.length;
  }

  /** Texts received so far. */
  get texts(): string[] {
    return this.records.map((r) => r.text ?? '');
  }

  /** Resolves once at least `count` records arrived; rejects after `timeoutMs` saying what did arrive. */
  async waitFor(count: number, timeoutMs = 15_000): Promise<RawRecord[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.records.length < count) {
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(`expected ${count} records, got ${this.records.length}: ${JSON.stringify(this.texts.slice(-5))}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 200));
        this.#arrivals.push(() => { clearTimeout(timer); resolve(); });
      });
    }
    return this.records;
  }
}
