import { tensor, type Tensor } from "../tensor.js";

/**
 * Channels [start, start + count) of a tensor in PyTorch layout without the batch: the
 * first axis of `[C, H, W]`, the last of `[N]` and `[T, N]` (`x[:, start:start+count]`).
 */
export function sliceChannels(x: Tensor, start: number, count: number): Tensor {
  if (x.shape.length === 3) {
    const [, h, w] = x.shape as [number, number, number];
    return tensor([count, h, w], x.data.slice(start * h * w, (start + count) * h * w));
  }
  const n = x.shape[x.shape.length - 1]!;
  const rows = x.data.length / n;
  const out = new Float32Array(rows * count);
  for (let r = 0; r < rows; r++) out.set(x.data.subarray(r * n + start, r * n + start + count), r * count);
  return tensor([...x.shape.slice(0, -1), count], out);
}
