import { compareKeys } from '../ports/compare-keys';

/** What a {@link DueHeap} orders: when an item becomes claimable, its key, and where it sits. */
export interface DueEntry {
  /** When the item becomes claimable (epoch ms). */
  at: number;
  key: string;
  /** The entry's position in the heap, or -1 when it is not in one; kept by the heap. */
  heapIndex: number;
}

const before = (a: DueEntry, b: DueEntry) => a.at < b.at || (a.at === b.at && compareKeys(a.key, b.key) < 0);

/**
 * A binary min-heap ordered by time, then key, whose entries know their position, so an entry
 * is moved or removed in O(log n) when its item is claimed, retried or completed. Nothing stale
 * is left behind, so memory follows the number of waiting items and no operation ever pauses
 * to clean up.
 */
export class DueHeap<T extends DueEntry> {
  readonly #entries: T[] = [];

  get size(): number {
    return this.#entries.length;
  }

  peek(): T | undefined {
    return this.#entries[0];
  }

  /** Adds an entry, or moves it if it is already in the heap, to its current `at`. */
  set(entry: T): void {
    if (entry.heapIndex === -1) {
      entry.heapIndex = this.#entries.length;
      this.#entries.push(entry);
    }
    this.#siftUp(entry.heapIndex);
    this.#siftDown(entry.heapIndex);
  }

  /** Takes an entry out; does nothing when it is not in the heap. */
  remove(entry: T): void {
    const index = entry.heapIndex;
    if (index === -1) return;
    const last = this.#entries.pop()!;
    entry.heapIndex = -1;
    if (last === entry) return;
    this.#entries[index] = last;
    last.heapIndex = index;
    this.#siftUp(index);
    this.#siftDown(last.heapIndex);
  }

  #swap(i: number, j: number): void {
    const entries = this.#entries;
    const a = entries[i]!;
    const b = entries[j]!;
    entries[i] = b;
    entries[j] = a;
    a.heapIndex = j;
    b.heapIndex = i;
  }

  #siftUp(index: number): void {
    const entries = this.#entries;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!before(entries[index]!, entries[parent]!)) return;
      this.#swap(index, parent);
      index = parent;
    }
  }

  #siftDown(index: number): void {
    const entries = this.#entries;
    for (;;) {
      const left = index * 2 + 1;
      const right = left + 1;
      let smallest = index;
      if (left < entries.length && before(entries[left]!, entries[smallest]!)) smallest = left;
      if (right < entries.length && before(entries[right]!, entries[smallest]!)) smallest = right;
      if (smallest === index) return;
      this.#swap(index, smallest);
      index = smallest;
    }
  }
}
