/**
 * A growable list of ascending whole numbers (4 bytes each) that drops from the front: a log
 * stream's events as positions in its group's log. Dropping is O(1); the space of dropped entries
 * is reclaimed when the list grows or when more than half of it is dead.
 */
export class PositionList {
  private data = new Uint32Array(16);
  private start = 0;
  private end = 0;

  get length(): number {
    return this.end - this.start;
  }

  /** The i-th kept entry (0 = oldest). */
  at(i: number): number {
    return this.data[this.start + i]!;
  }

  push(value: number): void {
    if (this.end === this.data.length) this.makeRoom();
    this.data[this.end++] = value;
  }

  /** Drops the oldest entry; the caller knows it is the one leaving. */
  shift(): void {
    this.start += 1;
    if (this.start === this.end) {
      this.start = 0;
      this.end = 0;
    } else if (this.start > 1024 && this.start * 2 > this.data.length) {
      this.compact(this.data.length);
    }
  }

  /** Index of the first kept entry >= value (binary search). */
  lowerBound(value: number): number {
    let lo = this.start;
    let hi = this.end;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.data[mid]! < value) lo = mid + 1;
      else hi = mid;
    }
    return lo - this.start;
  }

  private makeRoom(): void {
    // Reuse dead space at the front when it is at least half the array; otherwise double.
    this.compact(this.start * 2 >= this.data.length ? this.data.length : this.data.length * 2);
  }

  private compact(capacity: number): void {
    const next = new Uint32Array(capacity);
    next.set(this.data.subarray(this.start, this.end));
    this.end -= this.start;
    this.start = 0;
    this.data = next;
  }
}
