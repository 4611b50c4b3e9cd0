import { expectRank, type Tensor } from "../tensor.js";
import { pool2dOutputShape, type Pool2dParams } from "./pooling.js";

/**
 * The flat position within its `H×W` plane of each window's maximum, as PyTorch's
 * `MaxPool2d(return_indices=True)` gives it: the first maximum in row-major window order.
 */
export function maxPool2dIndices(x: Tensor, p: Pool2dParams): Int32Array {
  expectRank(x, 3, "maxpool input");
  const [C, H, W] = x.shape as [number, number, number];
  const [, Ho, Wo] = pool2dOutputShape(x.shape, p, "maxpool");
  const [kh, kw] = p.kernel, [sh, sw] = p.stride, [dh, dw] = p.dilation, [pt, pl] = p.padding;
  const indices = new Int32Array(C * Ho * Wo);
  for (let c = 0; c < C; c++) {
    const plane = c * H * W;
    for (let oy = 0; oy < Ho; oy++) {
      for (let ox = 0; ox < Wo; ox++) {
        let best = -Infinity;
        let at = -1;
        for (let ky = 0; ky < kh; ky++) {
          const iy = oy * sh - pt + ky * dh;
          if (iy < 0 || iy >= H) continue;
          for (let kx = 0; kx < kw; kx++) {
            const ix = ox * sw - pl + kx * dw;
            if (ix < 0 || ix >= W) continue;
            const v = x.data[plane + iy * W + ix]!;
            if (at < 0 || v > best) {
              best = v;
              at = iy * W + ix;
            }
          }
        }
        indices[(c * Ho + oy) * Wo + ox] = at;
      }
    }
  }
  return indices;
}

/**
 * PyTorch's `nn.MaxUnpool2d` with `output_size`: each value of `x` `[C, h, w]` goes back to
 * the position its pool took it from (`indices`, flat within each plane), every other
 * position of the `[C, H, W]` output is zero.
 */
export function maxUnpool2d(x: Tensor, indices: Int32Array, size: [number, number]): Tensor {
  expectRank(x, 3, "maxunpool input");
  if (indices.length !== x.data.length) throw new RangeError(`maxunpool: ${indices.length} indices for ${x.data.length} values`);
  const [C, h, w] = x.shape as [number, number, number];
  const [H, W] = size;
  const out = new Float32Array(C * H * W);
  for (let c = 0; c < C; c++) {
    for (let i = 0; i < h * w; i++) {
      const at = indices[c * h * w + i]!;
      if (at < 0 || at >= H * W) throw new RangeError(`maxunpool: index ${at} is outside the ${H}x${W} output`);
      out[c * H * W + at] = x.data[c * h * w + i]!;
    }
  }
  return { shape: [C, H, W], data: out };
}

