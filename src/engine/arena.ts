/**
 * Blocks of a WebAssembly memory above a fixed start: first fit over a free list kept
 * sorted by address, neighbours merged when freed, the top moved up (the memory grown
 * by `grow`) when nothing fits. A run keeps its live tensors here between layers and
 * each call's buffers around them; a few dozen blocks at most, so lists are enough.
 */
export class Arena {
  /** Free ranges [start, end), sorted, never touching each other or the top. */
  private readonly free: [number, number][] = [];
  /** Allocated blocks: start → bytes. */
  private readonly used = new Map<number, number>();
  private top: number;

  constructor(
    start: number,
    private readonly grow: (end: number) => void,
  ) {
    this.top = align16(start);
  }

  /** A block of `bytes` (16-byte aligned, so SIMD loads line up); returns its byte offset. */
  allocate(bytes: number): number {
    const size = Math.max(16, align16(bytes));
    for (let i = 0; i < this.free.length; i++) {
      const [start, end] = this.free[i]!;
      if (end - start < size) continue;
      if (end - start === size) this.free.splice(i, 1);
      else this.free[i] = [start + size, end];
      this.used.set(start, size);
      return start;
    }
    const start = this.top;
    this.top += size;
    this.grow(this.top);
    this.used.set(start, size);
    return start;
  }

  /** Returns the block at `start` (from `allocate`) to the free list. */
  release(start: number): void {
    const size = this.used.get(start);
    if (size === undefined) throw new Error(`arena: no block at ${start}`);
    this.used.delete(start);
    let end = start + size;
    let from = start;
    let i = this.free.findIndex(([s]) => s > start);
    if (i === -1) i = this.free.length;
    const before = this.free[i - 1];
    if (before && before[1] === from) {
      from = before[0];
      this.free.splice(--i, 1);
    }
    const after = this.free[i];
    if (after && after[0] === end) {
      end = after[1];
      this.free.splice(i, 1);
    }
    if (end === this.top) this.top = from;
    else this.free.splice(i, 0, [from, end]);
  }

  /** The start of the allocated block holding bytes [at, at + bytes), if one does. */
  blockOf(at: number, bytes: number): number | undefined {
    // Most tensors are a whole block (a layer's output, a held weight): found without a scan.
    const whole = this.used.get(at);
    if (whole !== undefined && bytes <= whole) return at;
    for (const [start, size] of this.used) if (at >= start && at + bytes <= start + size) return start;
    return undefined;
  }

  /** Bytes from the start to the highest block: what the memory must hold. */
  get extent(): number {
    return this.top;
  }
}

/** `n` bytes rounded up to a multiple of 16 (SIMD loads line up). */
export function align16(n: number): number {
  return (n + 15) & ~15;
}
