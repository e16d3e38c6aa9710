/**
 * Runs async tasks one at a time in call order. A DuckDB connection runs one statement at a time and
 * an open transaction must not interleave with other statements on the same connection.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task, task);
    // The queue continues whether the task failed or not; the caller sees the failure.
    this.tail = result.catch(() => undefined);
    return result;
  }
}
