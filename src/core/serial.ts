/**
 * Runs jobs one at a time, in the order they were submitted, and says when none is left.
 *
 * The incident service handles every event (inbound, timer, delivery failure) through one of these, so two
 * events never interleave inside one process, even though loading and committing are asynchronous: a conflict
 * at commit can only come from another process.
 */
export class Serial {
  private tail: Promise<unknown> = Promise.resolve();
  private queued = 0;
  private waiters: (() => void)[] = [];

  /** Queues `job` behind every job submitted before it; resolves or rejects with its result. */
  run<T>(job: () => Promise<T>): Promise<T> {
    this.queued++;
    const result = this.tail.then(job);
    this.tail = result.then(this.done, this.done);
    return result;
  }

  /** Jobs submitted and not finished. */
  get pending(): number {
    return this.queued;
  }

  /** Resolves when no job is queued or running. */
  idle(): Promise<void> {
    return this.queued === 0 ? Promise.resolve() : new Promise((resolve) => this.waiters.push(resolve));
  }

  private readonly done = (): void => {
    this.queued--;
    if (this.queued > 0 || !this.waiters.length) return;
    const w = this.waiters;
    this.waiters = [];
    for (const r of w) r();
  };
}
