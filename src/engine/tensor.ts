/**
 * A dense float32 tensor in PyTorch's memory layout without the batch dimension:
 * `[C, H, W]` for images, `[N]` for vectors, `[T, N]` for sequences. C order
 * (last index fastest), so `data` can be written to a `.npy` file as it is.
 *
 * Note that this differs from `graph/types.ts`'s `Shape`, which is written the way
 * papers write it (`[H, W, C]`); `chwFromShape` / `shapeFromChw` convert.
 */
export interface Tensor {
  shape: number[];
  data: Float32Array;
}

/** Number of elements of a shape (1 for a scalar `[]`). */
export function numel(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

function checkShape(shape: readonly number[]): void {
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) throw new RangeError(`invalid tensor shape [${shape.join(", ")}]`);
  }
}

/** A tensor over `data` (not copied); throws when the sizes disagree. */
export function tensor(shape: readonly number[], data: Float32Array): Tensor {
  checkShape(shape);
  const n = numel(shape);
  if (data.length !== n) {
    throw new RangeError(`tensor of shape [${shape.join(", ")}] needs ${n} values, got ${data.length}`);
  }
  return { shape: [...shape], data };
}

/**
 * A zeroed Float32Array in a SharedArrayBuffer, for data that lives long and is read
 * by the worker pool (weights): workers then read it in place, with no copy.
 */
export function sharedFloat32(length: number): Float32Array {
  return new Float32Array(new SharedArrayBuffer(length * 4));
}

/** Throws unless `t` has rank `rank`; `what` names the tensor in the message. */
export function expectRank(t: Tensor, rank: number, what: string): void {
  if (t.shape.length !== rank) {
    throw new RangeError(`${what}: expected a rank-${rank} tensor, got shape [${t.shape.join(", ")}]`);
  }
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Paper layout `[H, W, C]` (as in `graph/types.ts`) → PyTorch layout `[C, H, W]`; other ranks unchanged. */
export function chwFromShape(shape: readonly number[]): number[] {
  if (shape.length === 3) return [shape[2], shape[0], shape[1]];
  return [...shape];
}

/** PyTorch layout `[C, H, W]` → paper layout `[H, W, C]`; other ranks unchanged. */
export function shapeFromChw(shape: readonly number[]): number[] {
  if (shape.length === 3) return [shape[1], shape[2], shape[0]];
  return [...shape];
}
