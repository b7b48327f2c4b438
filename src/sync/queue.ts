/**
 * A bounded hand-off between producers (day walkers) and consumers (the writers): `push` waits while
 * the queue is full, which is the backpressure that keeps memory flat however long the range. Each
 * item goes to exactly one consumer, in the order pushed.
 */
export class BoundedQueue<T> {
  private readonly items: T[] = [];
  private readonly waitingPushers: Array<() => void> = [];
  private readonly waitingTakers: Array<(value: IteratorResult<T>) => void> = [];
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
    const taker = this.waitingTakers.shift();
    if (taker) taker({ value: item, done: false });
    else this.items.push(item);
  }

  /** No more pushes; the consumers drain what is queued and then end. */
  close(): void {
    this.closed = true;
    for (const wake of this.waitingPushers.splice(0)) wake();
    if (this.items.length === 0) for (const taker of this.waitingTakers.splice(0)) taker({ value: undefined, done: true });
  }

  /** The next item, or done once the queue is closed and drained. Any number of consumers may wait. */
  async take(): Promise<IteratorResult<T>> {
    const item = this.items.shift();
    if (item !== undefined) {
      this.waitingPushers.shift()?.();
      return { value: item, done: false };
    }
    if (this.closed) return { value: undefined, done: true };
    return new Promise<IteratorResult<T>>((resolve) => this.waitingTakers.push(resolve));
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T> {
    for (let next = await this.take(); !next.done; next = await this.take()) yield next.value;
  }
}
