/**
 * The queues the run executor schedules with, over plan indexes (a step's place in its plan),
 * so that whatever comes out of them comes out in plan order, as a walk of the plan would have.
 */

/** The smallest index first. An index may be in it more than once; whoever pops it checks it still applies. */
export class IndexHeap {
  private readonly items: number[] = [];

  get size(): number {
    return this.items.length;
  }

  push(i: number): void {
    const a = this.items;
    let at = a.push(i) - 1;
    while (at > 0) {
      const parent = (at - 1) >> 1;
      if (a[parent] <= i) break;
      a[at] = a[parent];
      at = parent;
    }
    a[at] = i;
  }

  pop(): number | undefined {
    const a = this.items;
    if (!a.length) return undefined;
    const top = a[0];
    const last = a.pop()!;
    if (a.length) {
      let at = 0;
      for (;;) {
        const l = 2 * at + 1;
        if (l >= a.length) break;
        const r = l + 1;
        const c = r < a.length && a[r] < a[l] ? r : l;
        if (a[c] >= last) break;
        a[at] = a[c];
        at = c;
      }
      a[at] = last;
    }
    return top;
  }

  clear(): void {
    this.items.length = 0;
  }
}

/**
 * Indexes to look at in sweeps through the plan: each pop gives the smallest index after the
 * last one popped; an index pushed behind that point waits for the next sweep. This is the
 * order of walking the plan again and again until nothing changes, visiting only what was pushed.
 */
export class SweepQueue {
  private current = new IndexHeap();
  private next = new IndexHeap();
  private cursor = -1;

  push(i: number): void {
    (i > this.cursor ? this.current : this.next).push(i);
  }

  pop(): number | undefined {
    if (!this.current.size) {
      [this.current, this.next] = [this.next, this.current];
      this.cursor = -1;
      if (!this.current.size) return undefined;
    }
    const i = this.current.pop()!;
    this.cursor = i;
    return i;
  }

  clear(): void {
    this.current.clear();
    this.next.clear();
    this.cursor = -1;
  }
}
