import { expectRank, type Tensor } from "../tensor.js";
import type { ChannelAffine } from "./norm.js";
import { kernels, type KernelName, type WasmKernels } from "./wasm.js";

/** Conv2d settings, all explicit; `conv2dParams` fills in PyTorch's defaults. */
export interface Conv2dParams {
  stride: [number, number];
  /** Zero padding `[top, left, bottom, right]`; asymmetric padding covers TF-style `same`. */
  padding: [number, number, number, number];
  dilation: [number, number];
  groups: number;
}

export interface ConvTranspose2dParams {
  stride: [number, number];
  /** PyTorch's `padding`: removed from both sides of the full output, `[h, w]`. */
  padding: [number, number];
  /** Extra rows/columns on the bottom/right of the output, `[h, w]` (less than stride or dilation). */
  outputPadding: [number, number];
  dilation: [number, number];
  groups: number;
}

type Pair = number | [number, number];

function pair(v: Pair | undefined, dflt: number): [number, number] {
  if (v === undefined) return [dflt, dflt];
  return typeof v === "number" ? [v, v] : [v[0], v[1]];
}

/** PyTorch defaults (stride 1, no padding, dilation 1, one group); `padding` as one number, `[h, w]` or `[top, left, bottom, right]`. */
export function conv2dParams(o: {
  stride?: Pair;
  padding?: number | [number, number] | [number, number, number, number];
  dilation?: Pair;
  groups?: number;
} = {}): Conv2dParams {
  const p = o.padding ?? 0;
  const padding: [number, number, number, number] =
    typeof p === "number" ? [p, p, p, p] : p.length === 2 ? [p[0], p[1], p[0], p[1]] : [p[0], p[1], p[2], p[3]];
  return { stride: pair(o.stride, 1), padding, dilation: pair(o.dilation, 1), groups: o.groups ?? 1 };
}

export function convTranspose2dParams(o: {
  stride?: Pair;
  padding?: Pair;
  outputPadding?: Pair;
  dilation?: Pair;
  groups?: number;
} = {}): ConvTranspose2dParams {
  return {
    stride: pair(o.stride, 1),
    padding: pair(o.padding, 0),
    outputPadding: pair(o.outputPadding, 0),
    dilation: pair(o.dilation, 1),
    groups: o.groups ?? 1,
  };
}

function positive(values: number[], what: string): void {
  for (const v of values) if (!Number.isInteger(v) || v < 1) throw new RangeError(`${what} must be positive integers, got ${values.join(", ")}`);
}

function nonNegative(values: number[], what: string): void {
  for (const v of values) if (!Number.isInteger(v) || v < 0) throw new RangeError(`${what} must be non-negative integers, got ${values.join(", ")}`);
}

/** Output `[M, Ho, Wo]` of a conv of input `[C, H, W]` with weight `[M, C/groups, kh, kw]`; throws on mismatch. */
export function conv2dOutputShape(input: readonly number[], weight: readonly number[], p: Conv2dParams): [number, number, number] {
  const [C, H, W] = input as [number, number, number];
  const [M, Cg, kh, kw] = weight as [number, number, number, number];
  positive([...p.stride, ...p.dilation, p.groups], "conv2d stride, dilation and groups");
  nonNegative(p.padding, "conv2d padding");
  if (C % p.groups !== 0 || M % p.groups !== 0) {
    throw new RangeError(`conv2d: ${C} input and ${M} output channels are not divisible by ${p.groups} groups`);
  }
  if (Cg * p.groups !== C) {
    throw new RangeError(`conv2d: weight [${weight.join(", ")}] expects ${Cg * p.groups} input channels, input has ${C}`);
  }
  const [pt, pl, pb, pr] = p.padding;
  const Ho = Math.floor((H + pt + pb - p.dilation[0] * (kh - 1) - 1) / p.stride[0]) + 1;
  const Wo = Math.floor((W + pl + pr - p.dilation[1] * (kw - 1) - 1) / p.stride[1]) + 1;
  if (Ho < 1 || Wo < 1) {
    throw new RangeError(`conv2d: ${kh}x${kw} kernel (dilation ${p.dilation.join("x")}) does not fit a padded ${H}x${W} input`);
  }
  return [M, Ho, Wo];
}

/** Output `[M, Ho, Wo]` of a transposed conv of input `[C, H, W]` with weight `[C, M/groups, kh, kw]`. */
export function convTranspose2dOutputShape(
  input: readonly number[],
  weight: readonly number[],
  p: ConvTranspose2dParams,
): [number, number, number] {
  const [C, H, W] = input as [number, number, number];
  const [Cw, Mg, kh, kw] = weight as [number, number, number, number];
  positive([...p.stride, ...p.dilation, p.groups], "conv_transpose2d stride, dilation and groups");
  nonNegative([...p.padding, ...p.outputPadding], "conv_transpose2d padding and output padding");
  if (Cw !== C) throw new RangeError(`conv_transpose2d: weight [${weight.join(", ")}] expects ${Cw} input channels, input has ${C}`);
  if (C % p.groups !== 0) throw new RangeError(`conv_transpose2d: ${C} input channels are not divisible by ${p.groups} groups`);
  for (let i = 0; i < 2; i++) {
    if (p.outputPadding[i]! >= Math.max(p.stride[i]!, p.dilation[i]!)) {
      throw new RangeError("conv_transpose2d: output padding must be smaller than stride or dilation");
    }
  }
  const Ho = (H - 1) * p.stride[0] - 2 * p.padding[0] + p.dilation[0] * (kh - 1) + p.outputPadding[0] + 1;
  const Wo = (W - 1) * p.stride[1] - 2 * p.padding[1] + p.dilation[1] * (kw - 1) + p.outputPadding[1] + 1;
  if (Ho < 1 || Wo < 1) throw new RangeError(`conv_transpose2d: padding leaves an empty ${Ho}x${Wo} output`);
  return [Mg * p.groups, Ho, Wo];
}

function checkBias(bias: Float32Array | null, M: number, what: string): void {
  if (bias && bias.length !== M) throw new RangeError(`${what}: bias has ${bias.length} values for ${M} output channels`);
}

/** A block of a conv's output: channels [m0, m1) at positions [n0, n1) of the flattened Ho·Wo plane. */
export interface OutputBlock {
  m0: number;
  m1: number;
  n0: number;
  n1: number;
}

/**
 * One kernel call laid out in a kernels memory: the arguments of each block (each
 * block with its own scratch space, so the blocks can run at once on threads sharing
 * the memory) and where the whole output lies. Every output element belongs to one
 * block and is summed in the same order whatever the blocks, so any split gives the
 * same bits.
 */
export interface PlacedCall {
  fn: KernelName;
  blocks: number[][];
  out: number;
  outLength: number;
  /** The output is a kept block (`WasmKernels.keep`): it outlives the call, until released. */
  kept: boolean;
  /**
   * Scratch space per thread rather than per block, for a call cut into more blocks than
   * threads: the thread that claims a block writes its own into argument `arg`.
   */
  scratch?: { arg: number; perThread: number[] };
}

/**
 * What a conv may apply to its output in place of the layers after it, each block by
 * the thread that computed it, before the output is read: an affine per output
 * channel (an inference bn), the addition of a tensor of the output's shape (the
 * residual a sum layer adds), then max(0, ·) with NaN kept (a ReLU). The same code as
 * those layers' own kernels on the same float32 values, so the bits are theirs; the
 * output is neither copied nor allocated in between.
 */
export interface Epilogue {
  affine?: ChannelAffine;
  residual?: Tensor;
  rectify: boolean;
}

/** Where a conv's operands come from and its output goes, beyond the tensors themselves. */
export interface ConvPlacement {
  epilogue?: Epilogue;
  /** Put the output in a kept block (a run's resident tensor) instead of the call's buffers. */
  keepOutput?: boolean;
  /** The threads that claim the blocks: with fewer threads than blocks, scratch space is one per thread. */
  threads?: number;
  /**
   * Every block spans the whole output, claimed a unit at a time from one counter by
   * whichever thread is free: units of positions (kernels.c, conv2d_units), or with
   * `channels` (a conv of one group) units of that many output channels.
   */
  claimed?: { channels?: number };
  /** Where the layer's weights lie transformed for Winograd (kernels.c, winograd_prepare), for a shape conv2d_tiled says is tiled. */
  prepared?: number;
}

/**
 * The byte offsets of `tensors` in `k`'s memory: a tensor already kept there is read
 * in place, the others are copied into buffers of this call's layout (with `extra`
 * buffers of the given float counts after them).
 */
export function placeOperands(k: WasmKernels, tensors: readonly (Float32Array | null)[], extra: readonly number[]): { operands: number[]; extra: number[] } {
  const inPlace = tensors.map((t) => (t ? k.holds(t) : 0));
  const ptrs = k.layout([...tensors.map((t, i) => (t && inPlace[i] === undefined ? t.length : 0)), ...extra]);
  const operands = tensors.map((t, i) => {
    if (!t) return 0;
    const at = inPlace[i];
    if (at !== undefined) return at;
    k.put(ptrs[i]!, t);
    return ptrs[i]!;
  });
  return { operands, extra: ptrs.slice(tensors.length) };
}

/** Copies x, weight and bias into `k`'s memory (x read in place when it lies there) and returns the conv2d call of each block of the `[M, Ho, Wo]` output. */
export function placeConv2d(k: WasmKernels, x: Tensor, weight: Tensor, bias: Float32Array | null, p: Conv2dParams, blocks: readonly OutputBlock[], placement: ConvPlacement = {}): PlacedCall {
  const [C, H, W] = x.shape as [number, number, number];
  const [M, , kh, kw] = weight.shape as [number, number, number, number];
  const [, Ho, Wo] = conv2dOutputShape(x.shape, weight.shape, p);
  const geometry = [kh, kw, p.stride[0], p.stride[1], p.padding[0], p.padding[1], p.dilation[0], p.dilation[1], p.groups, Ho, Wo];
  const unitChannels = placement.claimed?.channels ?? 0;
  const prepared = placement.prepared ?? 0;
  const perBlock = blocks.map((b) => k.exports.conv2d_scratch(C, H, W, ...geometry, b.m0, b.m1, unitChannels, prepared === 0 ? 0 : 1));
  const perThread = placement.threads !== undefined && placement.threads < blocks.length;
  const scratch = perThread ? new Array<number>(placement.threads!).fill(Math.max(...perBlock)) : perBlock;
  const { affine, residual, rectify = false } = placement.epilogue ?? {};
  if (affine && (affine.scale.length !== M || affine.shift.length !== M)) throw new RangeError(`conv2d: the epilogue's affine has ${affine.scale.length} channels for ${M} output channels`);
  if (residual && residual.data.length !== M * Ho * Wo) throw new RangeError(`conv2d: the epilogue's residual has ${residual.data.length} values for an output of ${M * Ho * Wo}`);
  const kept = placement.keepOutput === true;
  // A double takes two floats' room.
  // The claims counter takes a 16-byte slot of its own.
  const { operands, extra } = placeOperands(k, [x.data, weight.data, bias, residual?.data ?? null], [kept ? 0 : M * Ho * Wo, affine ? 2 * M : 0, affine ? 2 * M : 0, placement.claimed ? 4 : 0, ...scratch]);
  const [inP, wP, bP, residualP] = operands as [number, number, number, number];
  const [layoutOut, scaleP, shiftP, claimsP, ...scratchP] = extra as number[];
  // kernels.c, next_unit: the counter, and how many threads claim from it (which sizes the units).
  if (placement.claimed) new Int32Array(k.memory.buffer, claimsP!, 2).set([0, placement.threads ?? blocks.length]);
  const outP = kept ? k.keep(M * Ho * Wo) : layoutOut!;
  if (affine) {
    new Float64Array(k.memory.buffer, scaleP!, M).set(affine.scale);
    new Float64Array(k.memory.buffer, shiftP!, M).set(affine.shift);
  }
  const epilogueArgs = [affine ? scaleP! : 0, affine ? shiftP! : 0, residualP, rectify ? 1 : 0, placement.claimed ? claimsP! : 0, unitChannels, prepared];
  const scratchArg = 12 + geometry.length;
  return {
    fn: "conv2d",
    blocks: blocks.map((b, i) => [inP, C, H, W, wP, bP, outP, M, ...geometry, b.m0, b.m1, b.n0, b.n1, perThread ? scratchP[0]! : scratchP[i]!, ...epilogueArgs]),
    out: outP,
    outLength: M * Ho * Wo,
    kept,
    ...(perThread ? { scratch: { arg: scratchArg, perThread: scratchP } } : {}),
  };
}

/**
 * PyTorch's `F.conv2d` (cross-correlation) on one image: x `[C, H, W]`, weight
 * `[M, C/groups, kh, kw]`, optional bias `[M]` → `[M, Ho, Wo]`. Runs on the calling
 * thread; `ComputePool.conv2d` splits the same computation across workers.
 */
export function conv2d(x: Tensor, weight: Tensor, bias: Float32Array | null, p: Conv2dParams): Tensor {
  expectRank(x, 3, "conv2d input");
  expectRank(weight, 4, "conv2d weight");
  const shape = conv2dOutputShape(x.shape, weight.shape, p);
  checkBias(bias, shape[0], "conv2d");
  return { shape, data: runPlaced(kernels(), placeConv2d(kernels(), x, weight, bias, p, [{ m0: 0, m1: shape[0], n0: 0, n1: shape[1] * shape[2] }])) };
}

/** Copies x, weight and bias into `k`'s memory and returns the conv_transpose2d call of each block of output channels (`n0`, `n1` span every position). */
export function placeConvTranspose2d(
  k: WasmKernels,
  x: Tensor,
  weight: Tensor,
  bias: Float32Array | null,
  p: ConvTranspose2dParams,
  blocks: readonly OutputBlock[],
): PlacedCall {
  const [C, H, W] = x.shape as [number, number, number];
  const [, , kh, kw] = weight.shape as [number, number, number, number];
  const [M, Ho, Wo] = convTranspose2dOutputShape(x.shape, weight.shape, p);
  const scratch = blocks.map((b) => k.exports.conv_transpose2d_scratch(C, H, W, M, kh, kw, p.groups, b.m0, b.m1));
  const [inP, wP, bP, outP, ...scratchP] = k.layout([x.data.length, weight.data.length, bias ? M : 0, M * Ho * Wo, ...scratch]) as number[];
  k.put(inP!, x.data);
  k.put(wP!, weight.data);
  if (bias) k.put(bP!, bias);
  const geometry = [kh, kw, p.stride[0], p.stride[1], p.padding[0], p.padding[1], p.dilation[0], p.dilation[1], p.groups, Ho, Wo];
  return {
    fn: "conv_transpose2d",
    blocks: blocks.map((b, i) => [inP!, C, H, W, wP!, bias ? bP! : 0, outP!, M, ...geometry, b.m0, b.m1, scratchP[i]!]),
    out: outP!,
    outLength: M * Ho * Wo,
    kept: false,
  };
}

/** Runs every block of a placed call on this thread and returns a copy of the output. */
export function runPlaced(k: WasmKernels, call: PlacedCall): Float32Array {
  for (const args of call.blocks) k.call(call.fn, args);
  return k.read(call.out, call.outLength);
}

/**
 * PyTorch's `F.conv_transpose2d` on one image: x `[C, H, W]`, weight
 * `[C, M/groups, kh, kw]`, optional bias `[M]` → `[M, Ho, Wo]` with
 * `Ho = (H-1)·s − 2p + d·(kh−1) + output_padding + 1`.
 */
export function convTranspose2d(x: Tensor, weight: Tensor, bias: Float32Array | null, p: ConvTranspose2dParams): Tensor {
  expectRank(x, 3, "conv_transpose2d input");
  expectRank(weight, 4, "conv_transpose2d weight");
  const shape = convTranspose2dOutputShape(x.shape, weight.shape, p);
  checkBias(bias, shape[0], "conv_transpose2d");
  return { shape, data: runPlaced(kernels(), placeConvTranspose2d(kernels(), x, weight, bias, p, [{ m0: 0, m1: shape[0], n0: 0, n1: shape[1] * shape[2] }])) };
}
