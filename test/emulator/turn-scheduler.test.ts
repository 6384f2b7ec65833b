/**
 * The gateway starts at most a fixed number of requests per event-loop turn (so Node's one
 * accept per turn keeps up under a 1,000-connection load), in arrival order, and none is left behind.
 */
import { describe, expect, it } from 'vitest';
import { TurnScheduler } from '../../emulator/gateway/turn-scheduler.ts';

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('TurnScheduler', () => {
  it('starts at most perTurn pieces of work per turn, in arrival order, until the queue is empty', async () => {
    const scheduler = new TurnScheduler(4);
    const started: number[] = [];
    for (let i = 0; i < 10; i++) scheduler.schedule(() => started.push(i));
    expect(started).toEqual([]);
    expect(scheduler.pending).toBe(10);

    await nextTurn();
    expect(started).toEqual([0, 1, 2, 3]);
    expect(scheduler.pending).toBe(6);

    await nextTurn();
    expect(started).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);

    await nextTurn();
    expect(started).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(scheduler.pending).toBe(0);
  });

  it('takes work scheduled while a batch runs in a later turn, after the work queued before it', async () => {
    const scheduler = new TurnScheduler(2);
    const started: string[] = [];
    scheduler.schedule(() => {
      started.push('a');
      scheduler.schedule(() => started.push('c'));
    });
    scheduler.schedule(() => started.push('b'));
    await nextTurn();
    expect(started).toEqual(['a', 'b']);
    await nextTurn();
    expect(started).toEqual(['a', 'b', 'c']);
    // Idle again: new work is started in the next turn, not left waiting.
    scheduler.schedule(() => started.push('d'));
    await nextTurn();
    expect(started).toEqual(['a', 'b', 'c', 'd']);
  });
});
