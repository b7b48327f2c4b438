/**
 * A bounded hand-off between producers (day walkers) and one consumer (the writer): `push` waits while
 * the queue is full, which is the backpressure that keeps memory flat however long the range.
 */
export class BoundedQueue<T> {
  private readonly items: T[] = [];
  private readonly waitingPushers: Array<() => void> = [];
  private waitingTaker: ((value: IteratorResult<T>) => void) | null = null;
  private closed = false;

  constructor(private readonly capacity: number) {}

  get depth(): number {
    return this.items.length;
  }

  async push(item: T): Promise<void> {
    while (this.items.length >= this.capacity && !this.closed) {
      await new Promise<void>((resolve) => this.waitingPushers.push(resolve));
    }
    if (this.closed) throw new Error('queue closed');
    if (this.waitingTaker) {
      const taker = this.waitingTaker;
      this.waitingTaker = null;
      taker({ value: item, done: false });
    } else {
      this.items.push(item);
    }
  }

  /** No more pushes; the consumer drains what is queued and then ends. */
  close(): void {
    this.closed = true;
    for (const wake of this.waitingPushers.splice(0)) wake();
    if (this.waitingTaker && this.items.length === 0) {
      this.waitingTaker({ value: undefined, done: true });
      this.waitingTaker = null;
    }
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T> {
    for (;;) {
      const item = this.items.shift();
      if (item !== undefined) {
        this.waitingPushers.shift()?.();
        yield item;
        continue;
      }
      if (this.closed) return;
      const next = await new Promise<IteratorResult<T>>((resolve) => (this.waitingTaker = resolve));
      if (next.done) return;
      yield next.value;
    }
  }
}
