/** Cuts [0, n) into at most `parts` ranges whose starts are multiples of `align` (so kernel tiles stay full). */
export function cut(n: number, parts: number, align: number): [number, number][] {
  const per = Math.max(align, Math.ceil(n / parts / align) * align);
  const out: [number, number][] = [];
  for (let b = 0; b < n; b += per) out.push([b, Math.min(n, b + per)]);
  return out.length ? out : [[0, 0]];
}

/** The micro-kernel tile of kernels.c, MR rows (output channels, sequence steps) × NR columns (positions, features). */
export const MR = 4;
export const NR = 8;
