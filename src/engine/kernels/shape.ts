import { expectRank, sameShape, type Tensor } from "../tensor.js";
import { addInto } from "./wasm-elementwise.js";

/** Nearest-neighbour upsampling by integer factors (PyTorch `Upsample(scale_factor=s, mode="nearest")`). */
export function upsampleNearest(x: Tensor, scale: [number, number]): Tensor {
  expectRank(x, 3, "upsample input");
  const [sh, sw] = scale;
  if (!Number.isInteger(sh) || !Number.isInteger(sw) || sh < 1 || sw < 1) {
    throw new RangeError(`upsample: nearest scale must be positive integers, got ${sh}x${sw}`);
  }
  const [C, H, W] = x.shape as [number, number, number];
  const Ho = H * sh, Wo = W * sw;
  const out = new Float32Array(C * Ho * Wo);
  for (let c = 0; c < C; c++) {
    for (let oy = 0; oy < Ho; oy++) {
      const src = (c * H + Math.floor(oy / sh)) * W;
      const dst = (c * Ho + oy) * Wo;
      for (let ox = 0; ox < Wo; ox++) out[dst + ox] = x.data[src + Math.floor(ox / sw)]!;
    }
  }
  return { shape: [C, Ho, Wo], data: out };
}

/** Source coordinates and weights of bilinear resampling along one axis (align_corners=False). */
function axis(n: number, out: number): { i0: Int32Array; i1: Int32Array; t: Float64Array } {
  const scale = n / out;
  const i0 = new Int32Array(out), i1 = new Int32Array(out), t = new Float64Array(out);
  for (let o = 0; o < out; o++) {
    // PyTorch's area_pixel_compute_source_index: half-pixel centres, clamped at 0.
    const src = Math.max((o + 0.5) * scale - 0.5, 0);
    const a = Math.min(Math.floor(src), n - 1);
    i0[o] = a;
    i1[o] = Math.min(a + 1, n - 1);
    t[o] = src - a;
  }
  return { i0, i1, t };
}

/**
 * Bilinear resampling of `[C, H, W]` to `[C, Ho, Wo]` with align_corners=False and no
 * antialiasing: PyTorch's `F.interpolate(x, size=(Ho, Wo), mode="bilinear")`, which is
 * also `Upsample(scale_factor=s, mode="bilinear")` for integer s and torchvision's
 * `Resize((Ho, Wo), antialias=False)` on a tensor.
 */
export function resizeBilinear(x: Tensor, size: [number, number]): Tensor {
  expectRank(x, 3, "bilinear resize input");
  const [C, H, W] = x.shape as [number, number, number];
  const [Ho, Wo] = size;
  if (!Number.isInteger(Ho) || !Number.isInteger(Wo) || Ho < 1 || Wo < 1) throw new RangeError(`bilinear resize: bad size ${Ho}x${Wo}`);
  const ys = axis(H, Ho), xs = axis(W, Wo);
  const out = new Float32Array(C * Ho * Wo);
  for (let c = 0; c < C; c++) {
    const plane = c * H * W;
    for (let oy = 0; oy < Ho; oy++) {
      const r0 = plane + ys.i0[oy]! * W, r1 = plane + ys.i1[oy]! * W, ty = ys.t[oy]!;
      const dst = (c * Ho + oy) * Wo;
      for (let ox = 0; ox < Wo; ox++) {
        const a = xs.i0[ox]!, b = xs.i1[ox]!, tx = xs.t[ox]!;
        const top = x.data[r0 + a]! * (1 - tx) + x.data[r0 + b]! * tx;
        const bottom = x.data[r1 + a]! * (1 - tx) + x.data[r1 + b]! * tx;
        out[dst + ox] = top * (1 - ty) + bottom * ty;
      }
    }
  }
  return { shape: [C, Ho, Wo], data: out };
}

/** Bilinear upsampling by integer factors (PyTorch `Upsample(scale_factor=s, mode="bilinear")`, align_corners=False). */
export function upsampleBilinear(x: Tensor, scale: [number, number]): Tensor {
  expectRank(x, 3, "upsample input");
  if (!scale.every((s) => Number.isInteger(s) && s >= 1)) throw new RangeError(`upsample: scale must be positive integers, got ${scale.join("x")}`);
  return resizeBilinear(x, [x.shape[1]! * scale[0], x.shape[2]! * scale[1]]);
}

/** Zero padding `[top, left, bottom, right]` of `[C, H, W]` (PyTorch `ZeroPad2d((left, right, top, bottom))`). */
export function zeroPad2d(x: Tensor, padding: [number, number, number, number]): Tensor {
  expectRank(x, 3, "zero padding input");
  if (!padding.every((p) => Number.isInteger(p) && p >= 0)) throw new RangeError(`zero padding must be non-negative integers, got ${padding.join(", ")}`);
  const [C, H, W] = x.shape as [number, number, number];
  const [pt, pl, pb, pr] = padding;
  const Ho = H + pt + pb, Wo = W + pl + pr;
  const out = new Float32Array(C * Ho * Wo);
  for (let c = 0; c < C; c++) {
    for (let y = 0; y < H; y++) {
      out.set(x.data.subarray((c * H + y) * W, (c * H + y + 1) * W), (c * Ho + y + pt) * Wo + pl);
    }
  }
  return { shape: [C, Ho, Wo], data: out };
}

/**
 * Concatenation along `axis` (0, the channels of `[C, H, W]`, by default: PyTorch
 * `torch.cat(dim=1)` on a batch); all other dimensions must agree.
 */
export function concat(xs: readonly Tensor[], axis = 0): Tensor {
  if (xs.length === 0) throw new RangeError("concat: no inputs");
  const first = xs[0]!.shape;
  if (axis < 0 || axis >= first.length) throw new RangeError(`concat: axis ${axis} out of range for rank ${first.length}`);
  for (const t of xs) {
    if (t.shape.length !== first.length || t.shape.some((d, i) => i !== axis && d !== first[i])) {
      throw new RangeError(`concat: shapes [${first.join(", ")}] and [${t.shape.join(", ")}] differ off axis ${axis}`);
    }
  }
  const outer = first.slice(0, axis).reduce((a, b) => a * b, 1);
  const inner = first.slice(axis + 1).reduce((a, b) => a * b, 1);
  const total = xs.reduce((s, t) => s + t.shape[axis]!, 0);
  const out = new Float32Array(outer * total * inner);
  for (let o = 0; o < outer; o++) {
    let at = o * total * inner;
    for (const t of xs) {
      const len = t.shape[axis]! * inner;
      out.set(t.data.subarray(o * len, (o + 1) * len), at);
      at += len;
    }
  }
  const shape = [...first];
  shape[axis] = total;
  return { shape, data: out };
}

/** Elementwise sum of same-shaped tensors, added left to right. */
export function add(xs: readonly Tensor[]): Tensor {
  if (xs.length === 0) throw new RangeError("add: no inputs");
  const shape = xs[0]!.shape;
  for (const t of xs) {
    if (!sameShape(t.shape, shape)) throw new RangeError(`add: shapes [${shape.join(", ")}] and [${t.shape.join(", ")}] differ`);
  }
  const out = new Float32Array(xs[0]!.data);
  for (let k = 1; k < xs.length; k++) addInto(out, xs[k]!.data);
  return { shape: [...shape], data: out };
}

/**
 * ResNet's parameter-free "option A" shortcut (He et al. 2016, §4.2): keep every
 * `stride`-th row and column (`x[:, ::s, ::s]`) and fill the extra channels with zeros.
 * `before` zero channels go in front: 0 appends all of them at the end, as the paper
 * describes; `(outChannels − C)/2` is the widespread CIFAR implementation
 * (`F.pad(x[:, :, ::2, ::2], (0, 0, 0, 0, planes//4, planes//4))`).
 */
export function shortcutZeroPad(x: Tensor, stride: number | [number, number], outChannels: number, before = 0): Tensor {
  expectRank(x, 3, "shortcut input");
  const [C, H, W] = x.shape as [number, number, number];
  const [sh, sw] = typeof stride === "number" ? [stride, stride] : stride;
  if (![sh, sw].every((s) => Number.isInteger(s) && s >= 1)) throw new RangeError(`shortcut: stride must be positive integers, got ${sh}x${sw}`);
  if (outChannels < C || before < 0 || before + C > outChannels) {
    throw new RangeError(`shortcut: cannot place ${C} channels at ${before} in ${outChannels}`);
  }
  const Ho = Math.ceil(H / sh), Wo = Math.ceil(W / sw);
  const out = new Float32Array(outChannels * Ho * Wo);
  for (let c = 0; c < C; c++) {
    for (let oy = 0; oy < Ho; oy++) {
      const src = (c * H + oy * sh) * W;
      const dst = ((c + before) * Ho + oy) * Wo;
      for (let ox = 0; ox < Wo; ox++) out[dst + ox] = x.data[src + ox * sw]!;
    }
  }
  return { shape: [outChannels, Ho, Wo], data: out };
}

/** `torch.flatten` of one sample: the same data as a vector (C order, channel-major). */
/** A row-major `[rows, columns]` matrix as `[columns, rows]`. */
export function transpose(m: Tensor): Tensor {
  expectRank(m, 2, "transpose input");
  const [rows, columns] = m.shape as [number, number];
  const data = new Float32Array(m.data.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < columns; c++) data[c * rows + r] = m.data[r * columns + c]!;
  return { shape: [columns, rows], data };
}

export function flatten(x: Tensor): Tensor {
  return { shape: [x.data.length], data: x.data };
}

/** `x.view(shape)` of one sample: the same data (C order) under another shape of as many elements. */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  if (shape.reduce((a, b) => a * b, 1) !== x.data.length) {
    throw new RangeError(`reshape: [${x.shape.join(", ")}] has ${x.data.length} elements, [${shape.join(", ")}] needs another count`);
  }
  return { shape: [...shape], data: x.data };
}

/**
 * Elementwise product with broadcasting of size-1 dimensions, left to right:
 * squeeze-and-excitation's `x * gate` with gate `[C, 1, 1]` (PyTorch broadcasting,
 * ONNX Mul). All inputs have the same rank.
 */
export function mul(xs: readonly Tensor[]): Tensor {
  if (xs.length === 0) throw new RangeError("mul: no inputs");
  const rank = xs[0]!.shape.length;
  const shape = [...xs[0]!.shape];
  for (const t of xs) {
    if (t.shape.length !== rank || t.shape.some((d, i) => d !== shape[i] && d !== 1 && shape[i] !== 1)) {
      throw new RangeError(`mul: cannot broadcast [${xs[0]!.shape.join(", ")}] with [${t.shape.join(", ")}]`);
    }
    t.shape.forEach((d, i) => (shape[i] = Math.max(shape[i]!, d)));
  }
  const n = shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(n).fill(1);
  const index = new Array<number>(rank).fill(0);
  for (const t of xs) {
    // Strides of t in the output's index space; 0 along broadcast dimensions.
    const strides = new Array<number>(rank);
    let s = 1;
    for (let d = rank - 1; d >= 0; d--) {
      strides[d] = t.shape[d] === 1 ? 0 : s;
      s *= t.shape[d]!;
    }
    index.fill(0);
    let src = 0;
    for (let i = 0; i < n; i++) {
      out[i] = out[i]! * t.data[src]!;
      // Advance the output index like an odometer, moving `src` by t's strides.
      for (let d = rank - 1; d >= 0; d--) {
        src += strides[d]!;
        if (++index[d]! < shape[d]!) break;
        src -= strides[d]! * shape[d]!;
        index[d] = 0;
      }
    }
  }
  return { shape, data: out };
}

/**
 * ShuffleNet's channel shuffle (PyTorch `nn.ChannelShuffle`): channels viewed as
 * `[groups, C/groups]` are transposed, so output channel `j·groups + i` is input
 * channel `i·C/groups + j`.
 */
export function channelShuffle(x: Tensor, groups: number): Tensor {
  expectRank(x, 3, "channel shuffle input");
  const [C, H, W] = x.shape as [number, number, number];
  if (!Number.isInteger(groups) || groups < 1 || C % groups !== 0) throw new RangeError(`channel shuffle: ${C} channels do not split into ${groups} groups`);
  const per = C / groups, n = H * W;
  const out = new Float32Array(x.data.length);
  for (let i = 0; i < groups; i++) {
    for (let j = 0; j < per; j++) out.set(x.data.subarray((i * per + j) * n, (i * per + j + 1) * n), (j * groups + i) * n);
  }
  return { shape: [C, H, W], data: out };
}
