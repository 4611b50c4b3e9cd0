import { expectRank, type Tensor } from "../tensor.js";
import { zeroPad2d } from "./shape.js";

/** Pooling window settings, PyTorch's meaning; `pool2dParams` fills in the defaults. */
export interface Pool2dParams {
  kernel: [number, number];
  stride: [number, number];
  /** `[top, left, bottom, right]`; PyTorch pads symmetrically, the asymmetric form serves `same`. */
  padding: [number, number, number, number];
  dilation: [number, number];
  /** Round the output size up (PyTorch `ceil_mode`); a window must still start inside the input or the top/left padding. */
  ceilMode: boolean;
}

type Pair = number | [number, number];
const pair = (v: Pair): [number, number] => (typeof v === "number" ? [v, v] : [v[0], v[1]]);

/** PyTorch defaults: stride = kernel, no padding, dilation 1, floor mode. */
export function pool2dParams(o: {
  kernel: Pair;
  stride?: Pair;
  padding?: number | [number, number] | [number, number, number, number];
  dilation?: Pair;
  ceilMode?: boolean;
}): Pool2dParams {
  const kernel = pair(o.kernel);
  const p = o.padding ?? 0;
  const padding: [number, number, number, number] =
    typeof p === "number" ? [p, p, p, p] : p.length === 2 ? [p[0], p[1], p[0], p[1]] : [p[0], p[1], p[2], p[3]];
  return { kernel, stride: o.stride === undefined ? kernel : pair(o.stride), padding, dilation: pair(o.dilation ?? 1), ceilMode: o.ceilMode ?? false };
}

/**
 * One spatial output size of a sliding window `k` wide (dilation included) over `n` with
 * `padBefore` and `padAfter`: `floor((n + p0 + p1 - k) / s) + 1`, or in ceil mode rounded up
 * but without a last window that would start entirely in the trailing padding, as PyTorch's
 * `pooling_output_shape` computes it. The analysis (ops/window.ts) uses the same rule.
 */
export function windowOutput(n: number, k: number, s: number, padBefore: number, padAfter: number, ceil: boolean): number {
  const span = n + padBefore + padAfter - k;
  if (!ceil) return Math.floor(span / s) + 1;
  let out = Math.ceil(span / s) + 1;
  // PyTorch: in ceil mode the last window must start inside the input or the leading padding.
  if ((out - 1) * s >= n + padBefore) out--;
  return out;
}

/** Output `[C, Ho, Wo]` of a pool over `[C, H, W]`; throws when the window does not fit. */
export function pool2dOutputShape(input: readonly number[], p: Pool2dParams, what = "pool"): [number, number, number] {
  const [C, H, W] = input as [number, number, number];
  const [kh, kw] = p.kernel;
  for (const v of [kh, kw, ...p.stride, ...p.dilation]) {
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`${what}: kernel, stride and dilation must be positive integers`);
  }
  for (const v of p.padding) if (!Number.isInteger(v) || v < 0) throw new RangeError(`${what}: padding must be non-negative integers`);
  const [pt, pl, pb, pr] = p.padding;
  const ekh = (kh - 1) * p.dilation[0] + 1, ekw = (kw - 1) * p.dilation[1] + 1;
  if (Math.max(pt, pb) * 2 > ekh || Math.max(pl, pr) * 2 > ekw) {
    // PyTorch's rule: padding at most half the (dilated) kernel, so no window lies wholly in the padding.
    throw new RangeError(`${what}: padding ${p.padding.join(",")} exceeds half the ${ekh}x${ekw} kernel`);
  }
  const Ho = windowOutput(H, ekh, p.stride[0], pt, pb, p.ceilMode);
  const Wo = windowOutput(W, ekw, p.stride[1], pl, pr, p.ceilMode);
  if (Ho < 1 || Wo < 1) throw new RangeError(`${what}: ${kh}x${kw} window does not fit a ${H}x${W} input`);
  return [C, Ho, Wo];
}

/** PyTorch's `MaxPool2d` (padding never wins: it acts as −∞). */
export function maxPool2d(x: Tensor, p: Pool2dParams): Tensor {
  expectRank(x, 3, "maxpool input");
  const [C, H, W] = x.shape as [number, number, number];
  const [, Ho, Wo] = pool2dOutputShape(x.shape, p, "maxpool");
  const [kh, kw] = p.kernel, [sh, sw] = p.stride, [dh, dw] = p.dilation, [pt, pl] = p.padding;
  const out = new Float32Array(C * Ho * Wo);
  const src = x.data;
  for (let c = 0; c < C; c++) {
    const plane = c * H * W;
    for (let oy = 0; oy < Ho; oy++) {
      for (let ox = 0; ox < Wo; ox++) {
        let m = -Infinity;
        for (let ky = 0; ky < kh; ky++) {
          const iy = oy * sh - pt + ky * dh;
          if (iy < 0 || iy >= H) continue;
          const row = plane + iy * W;
          for (let kx = 0; kx < kw; kx++) {
            const ix = ox * sw - pl + kx * dw;
            if (ix < 0 || ix >= W) continue;
            const v = src[row + ix]!;
            // NaN propagates, as in PyTorch.
            if (v > m || Number.isNaN(v)) m = v;
          }
        }
        out[(c * Ho + oy) * Wo + ox] = m;
      }
    }
  }
  return { shape: [C, Ho, Wo], data: out };
}

/**
 * PyTorch's `AvgPool2d` (no dilation). With `countIncludePad` (PyTorch's default) the
 * divisor counts padding cells but not the part of a ceil-mode window that hangs past
 * the padding; without it, only input cells.
 */
export function avgPool2d(x: Tensor, p: Pool2dParams, countIncludePad = true): Tensor {
  expectRank(x, 3, "avgpool input");
  if (p.dilation[0] !== 1 || p.dilation[1] !== 1) throw new RangeError("avgpool: dilation is not supported (PyTorch has none)");
  const [C, H, W] = x.shape as [number, number, number];
  const [, Ho, Wo] = pool2dOutputShape(x.shape, p, "avgpool");
  const [kh, kw] = p.kernel, [sh, sw] = p.stride, [pt, pl, pb, pr] = p.padding;
  const out = new Float32Array(C * Ho * Wo);
  const src = x.data;
  for (let oy = 0; oy < Ho; oy++) {
    let y0 = oy * sh - pt;
    let y1 = Math.min(y0 + kh, H + pb);
    const padH = y1 - y0;
    y0 = Math.max(y0, 0);
    y1 = Math.min(y1, H);
    for (let ox = 0; ox < Wo; ox++) {
      let x0 = ox * sw - pl;
      let x1 = Math.min(x0 + kw, W + pr);
      const padW = x1 - x0;
      x0 = Math.max(x0, 0);
      x1 = Math.min(x1, W);
      const divisor = countIncludePad ? padH * padW : (y1 - y0) * (x1 - x0);
      for (let c = 0; c < C; c++) {
        let s = 0;
        for (let iy = y0; iy < y1; iy++) {
          const row = (c * H + iy) * W;
          for (let ix = x0; ix < x1; ix++) s += src[row + ix]!;
        }
        out[(c * Ho + oy) * Wo + ox] = s / divisor;
      }
    }
  }
  return { shape: [C, Ho, Wo], data: out };
}

/**
 * PyTorch's `LPPool2d` (power-average pooling; p = 2 is L2 pooling), computed as
 * PyTorch does: `(kh·kw·a)^(1/p)` with `a = avg_pool2d(x^p)`. In ceil mode a partial
 * window's average is over its cells but still scaled by the full kh·kw, a PyTorch
 * quirk kept for agreement. PyTorch has no padding here; padding means zero
 * padding first, `LPPool2d(F.pad(x, …))`.
 */
export function lpPool2d(x: Tensor, normType: number, p: Pool2dParams): Tensor {
  expectRank(x, 3, "lppool input");
  if (p.dilation[0] !== 1 || p.dilation[1] !== 1) throw new RangeError("lppool: dilation is not supported (PyTorch has none)");
  pool2dOutputShape(x.shape, p, "lppool");
  const padded = p.padding.some((v) => v !== 0) ? zeroPad2d(x, p.padding) : x;
  const powered = { shape: padded.shape, data: padded.data.map((v) => Math.pow(v, normType)) };
  const avg = avgPool2d(powered, { ...p, padding: [0, 0, 0, 0] });
  const scale = p.kernel[0] * p.kernel[1];
  const inv = 1 / normType;
  const data = avg.data.map((a) => Math.pow(a * scale, inv));
  return { shape: avg.shape, data };
}

/**
 * PyTorch's `AdaptiveAvgPool2d((Ho, Wo))`: output cell i averages input rows
 * ⌊i·H/Ho⌋ … ⌈(i+1)·H/Ho⌉ − 1 (likewise columns), so windows may overlap or, when
 * Ho > H, repeat. torchvision's VGG and AlexNet end their features with one.
 */
export function adaptiveAvgPool2d(x: Tensor, size: [number, number]): Tensor {
  expectRank(x, 3, "adaptive average pool input");
  const [C, H, W] = x.shape as [number, number, number];
  const [Ho, Wo] = size;
  if (!Number.isInteger(Ho) || !Number.isInteger(Wo) || Ho < 1 || Wo < 1) throw new RangeError(`adaptive average pool: bad size ${Ho}x${Wo}`);
  const out = new Float32Array(C * Ho * Wo);
  const src = x.data;
  for (let oy = 0; oy < Ho; oy++) {
    const y0 = Math.floor((oy * H) / Ho), y1 = Math.ceil(((oy + 1) * H) / Ho);
    for (let ox = 0; ox < Wo; ox++) {
      const x0 = Math.floor((ox * W) / Wo), x1 = Math.ceil(((ox + 1) * W) / Wo);
      const count = (y1 - y0) * (x1 - x0);
      for (let c = 0; c < C; c++) {
        let s = 0;
        for (let iy = y0; iy < y1; iy++) for (let ix = x0; ix < x1; ix++) s += src[(c * H + iy) * W + ix]!;
        out[(c * Ho + oy) * Wo + ox] = s / count;
      }
    }
  }
  return { shape: [C, Ho, Wo], data: out };
}

/** `AdaptiveAvgPool2d(1)`: `[C, H, W]` → `[C, 1, 1]` (flatten gives `[C]` for free: same data). */
export function globalAvgPool(x: Tensor): Tensor {
  expectRank(x, 3, "global average pool input");
  const [C, H, W] = x.shape as [number, number, number];
  const n = H * W;
  const out = new Float32Array(C);
  const data = x.data;
  for (let c = 0; c < C; c++) {
    let s = 0;
    for (let i = c * n; i < (c + 1) * n; i++) s += data[i]!;
    out[c] = s / n;
  }
  return { shape: [C, 1, 1], data: out };
}

/** `AdaptiveMaxPool2d(1)`: `[C, H, W]` → `[C, 1, 1]`. */
export function globalMaxPool(x: Tensor): Tensor {
  expectRank(x, 3, "global max pool input");
  const [C, H, W] = x.shape as [number, number, number];
  const n = H * W;
  const out = new Float32Array(C);
  for (let c = 0; c < C; c++) {
    let m = -Infinity;
    for (let i = c * n; i < (c + 1) * n; i++) {
      const v = x.data[i]!;
      if (v > m || Number.isNaN(v)) m = v;
    }
    out[c] = m;
  }
  return { shape: [C, 1, 1], data: out };
}
