/**
 * Stage-level throttling with API Gateway's token bucket: `burstLimit` tokens, refilled at
 * `rateLimit` per second; an empty bucket answers 429
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-request-throttling.html).
 */
export class TokenBucket {
  private tokens: number;
  private refilledAt: number;

  /** `now` is a millisecond clock (monotonic by default; tests pass their own). */
  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tokens = burst;
    this.refilledAt = now();
  }

  tryTake(): boolean {
    this.refill();
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Tokens in the bucket now (after refilling for the time elapsed). */
  available(): number {
    this.refill();
    return this.tokens;
  }

  private refill(): void {
    const now = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.refilledAt) / 1000) * this.ratePerSecond);
    this.refilledAt = now;
  }
}
