/**
 * Starts queued work a bounded batch at a time, one batch per turn of the event loop.
 *
 * Node accepts one new connection per turn of its event loop, and a turn runs the handler of every
 * request that arrived in it. Under a 1,000-connection load each turn served hundreds of requests,
 * so the gateway took in about 20 new connections a second and the rest waited in the kernel's
 * accept queue until their clients timed out, where API Gateway accepts every connection. Starting
 * at most `perTurn` requests per turn keeps turns short, so new connections are accepted within a
 * few milliseconds; queued requests start in arrival order.
 */
export class TurnScheduler {
  private queue: Array<() => void> = [];
  private head = 0;
  private scheduled = false;

  constructor(private readonly perTurn: number) {}

  /** Work waiting to start. */
  get pending(): number {
    return this.queue.length - this.head;
  }

  /** Runs `work` in this turn's check phase, or a later turn's when this one has started its batch. */
  schedule(work: () => void): void {
    this.queue.push(work);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.runBatch);
    }
  }

  private readonly runBatch = (): void => {
    const end = Math.min(this.queue.length, this.head + this.perTurn);
    while (this.head < end) {
      const work = this.queue[this.head]!;
      this.queue[this.head] = undefined as unknown as () => void;
      this.head += 1;
      work();
    }
    if (this.head >= this.queue.length) {
      this.queue = [];
      this.head = 0;
      this.scheduled = false;
    } else {
      // Compact now and then so the array does not grow without bound under steady load.
      if (this.head > 4096) {
        this.queue = this.queue.slice(this.head);
        this.head = 0;
      }
      // Scheduled from the check phase, this runs in the next turn, after its poll phase.
      setImmediate(this.runBatch);
    }
  };
}
