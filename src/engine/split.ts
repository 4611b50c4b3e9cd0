/** Cuts [0, n) into at most `parts` ranges whose starts are multiples of `align` (so kernel tiles stay full). */
export function cut(n: number, parts: number, align: number): [number, number][] {
  const per = Math.max(align, Math.ceil(n / parts / align) * align);
  const out: [number, number][] = [];
  for (let b = 0; b < n; b += per) out.push([b, Math.min(n, b + per)]);
  return out.length ? out : [[0, 0]];
}

/**
 * Cuts [0, n) into ranges in proportion to `weights`, in their order, every start a
 * multiple of `align`; ranges that would be empty are dropped.
 */
export function cutWeighted(n: number, weights: readonly number[], align: number): [number, number][] {
  const total = weights.reduce((a, b) => a + b, 0);
  const out: [number, number][] = [];
  let sum = 0;
  let start = 0;
  for (const w of weights) {
    sum += w;
    const end = sum === total ? n : Math.min(n, Math.round((n * sum) / total / align) * align);
    if (end > start) out.push([start, end]);
    start = Math.max(start, end);
  }
  return out.length ? out : [[0, 0]];
}

/** The micro-kernel tile of kernels.c, MR rows (output channels, sequence steps) × NR columns (positions, features). */
export const MR = 4;
export const NR = 8;
