/**
 * API Gateway's token bucket as documented: the bucket holds `burst` tokens, each request takes
 * one, an empty bucket throttles (429), and tokens come back at `rate` per second up to `burst`
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-request-throttling.html).
 * The clock is the test's own, so the arithmetic is checked exactly, not against wall-clock luck.
 */
import { describe, expect, it } from 'vitest';
import { TokenBucket } from '../../emulator/gateway/stage-throttle.ts';

function bucketWithClock(rate: number, burst: number): { bucket: TokenBucket; advance(ms: number): void } {
  let now = 1_000;
  const bucket = new TokenBucket(rate, burst, () => now);
  return {
    bucket,
    advance: (ms) => {
      now += ms;
    },
  };
}

describe('stage token bucket', () => {
  it('serves the burst, then throttles while no time passes', () => {
    const { bucket } = bucketWithClock(2, 3);
    expect([bucket.tryTake(), bucket.tryTake(), bucket.tryTake(), bucket.tryTake()]).toEqual([true, true, true, false]);
    expect(bucket.available()).toBe(0);
  });

  it('refills at the rate: at 2 tokens/s one token is back after 500 ms, not before', () => {
    const { bucket, advance } = bucketWithClock(2, 3);
    for (let i = 0; i < 3; i++) bucket.tryTake();
    advance(499);
    expect(bucket.tryTake()).toBe(false);
    advance(1);
    expect(bucket.tryTake()).toBe(true);
    expect(bucket.tryTake()).toBe(false);
  });

  it('never holds more than the burst, however long it stays idle', () => {
    const { bucket, advance } = bucketWithClock(2, 3);
    advance(60_000);
    expect(bucket.available()).toBe(3);
    expect([bucket.tryTake(), bucket.tryTake(), bucket.tryTake(), bucket.tryTake()]).toEqual([true, true, true, false]);
  });

  it('with a rate of 0 never refills, and with a burst of 0 serves nothing', () => {
    const empty = bucketWithClock(0, 2);
    expect([empty.bucket.tryTake(), empty.bucket.tryTake()]).toEqual([true, true]);
    empty.advance(3_600_000);
    expect(empty.bucket.tryTake()).toBe(false);
    expect(bucketWithClock(100, 0).bucket.tryTake()).toBe(false);
  });
});
