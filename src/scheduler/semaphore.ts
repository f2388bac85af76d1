/** A counting semaphore with a FIFO queue; waiters can be cancelled all at once (on stop). */
export class Semaphore {
  private available: number;
  private readonly waiting: ((granted: boolean) => void)[] = [];

  constructor(size: number) {
    if (!Number.isInteger(size) || size < 1) throw new Error(`semaphore size must be a positive integer, got ${size}`);
    this.available = size;
  }

  /** Resolves true when a slot is held, false when the wait was cancelled (then do not release). */
  acquire(): Promise<boolean> {
    if (this.available > 0) {
      this.available--;
      return Promise.resolve(true);
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  release(): void {
    const next = this.waiting.shift();
    if (next) next(true);
    else this.available++;
  }

  cancelWaiting(): void {
    for (const w of this.waiting.splice(0)) w(false);
  }
}
