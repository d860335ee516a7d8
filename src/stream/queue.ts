/**
 * The buffer between a broker client that pushes messages (a NATS consume loop, kafkajs's eachBatch) and a worker
 * that pulls micro-batches: `take(max, waitMs)` waits for the first item up to `waitMs`, then returns it with whatever
 * else is already there, up to `max` — so a busy stream is read in full batches and a quiet one with low latency.
 */
export class PullQueue<T> {
  private items: T[] = [];
  private head = 0;
  private waiter: (() => void) | undefined;
  private closed = false;

  get size(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
    this.wake();
  }

  /** Wakes a waiting `take` for good: it returns what is left, then empty arrays. */
  close(): void {
    this.closed = true;
    this.wake();
  }

  /** Everything still buffered, removed from the queue (to hand back on close). */
  drain(): T[] {
    const rest = this.items.slice(this.head);
    this.items = [];
    this.head = 0;
    return rest;
  }

  async take(max: number, waitMs: number): Promise<T[]> {
    if (this.size === 0 && !this.closed) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          this.waiter = undefined;
          resolve();
        }, waitMs);
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    const n = Math.min(max, this.size);
    const out = this.items.slice(this.head, this.head + n);
    this.head += n;
    if (this.head > 4096 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return out;
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }
}
