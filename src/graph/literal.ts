/**
 * Literal tensors written in a `.netfig` file (`values=` on an input, `weights=` on a conv
 * or fc) are written the way one reads them, without the sizes of 1 a tensor may have:
 * a one-channel 6×6 input as 6 rows of 6, a single 3×3 filter as 3 rows of 3.
 */

/** Whether a literal of the written shape fills a tensor of `shape`: the same once sizes of 1 are dropped. */
export function literalFits(written: readonly number[], shape: readonly number[]): boolean {
  const squeeze = (s: readonly number[]) => s.filter((d) => d !== 1).join("x");
  return squeeze(written) === squeeze(shape);
}
