/** An entry of a {@link DueHeap}: when, which key, and the revision of the item it was pushed for. */
export interface DueEntry {
  at: number;
  key: string;
  revision: number;
}

const before = (a: DueEntry, b: DueEntry) => a.at < b.at || (a.at === b.at && a.key < b.key);

/**
 * A binary min-heap of due times, ordered by time then key. Entries are never removed from the
 * middle: a changed or removed item leaves a stale entry behind (its revision no longer
 * matches), which the reader skips when it reaches the top. That keeps every change O(log n).
 */
export class DueHeap {
  readonly #entries: DueEntry[] = [];

  get size(): number {
    return this.#entries.length;
  }

  push(entry: DueEntry): void {
    const entries = this.#entries;
    entries.push(entry);
    let index = entries.length - 1;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!before(entries[index]!, entries[parent]!)) break;
      [entries[index], entries[parent]] = [entries[parent]!, entries[index]!];
      index = parent;
    }
  }

  peek(): DueEntry | undefined {
    return this.#entries[0];
  }

  pop(): DueEntry | undefined {
    const entries = this.#entries;
    const top = entries[0];
    const last = entries.pop();
    if (entries.length > 0 && last !== undefined) {
      entries[0] = last;
      let index = 0;
      for (;;) {
        const left = index * 2 + 1;
        const right = left + 1;
        let smallest = index;
        if (left < entries.length && before(entries[left]!, entries[smallest]!)) smallest = left;
        if (right < entries.length && before(entries[right]!, entries[smallest]!)) smallest = right;
        if (smallest === index) break;
        [entries[index], entries[smallest]] = [entries[smallest]!, entries[index]!];
        index = smallest;
      }
    }
    return top;
  }

  /** Keeps only the entries `live` accepts, rebuilding the heap (used when stale entries pile up). */
  rebuild(live: (entry: DueEntry) => boolean): void {
    const kept = this.#entries.filter(live);
    this.#entries.length = 0;
    for (const entry of kept) this.push(entry);
  }
}
