import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import {
  conv2dOutputShape,
  convTranspose2dOutputShape,
  placeConv2d,
  placeConvTranspose2d,
  placeOperands,
  type Conv2dParams,
  type Epilogue,
  type ConvTranspose2dParams,
  type OutputBlock,
  type PlacedCall,
} from "./kernels/conv.js";
import type { ChannelAffine } from "./kernels/norm.js";
import { pool2dOutputShape, type Pool2dParams } from "./kernels/pooling.js";
import { linearChunks, linearShape } from "./kernels/linear.js";
import { WasmKernels, WORKER_STACK_BYTES, wasmModule } from "./kernels/wasm.js";
import { BlockTable, Mailbox, MAILBOX_BYTES } from "./mailbox.js";
import { cut, cutWeighted, MR, NR } from "./split.js";
import { expectRank, sameShape, type Tensor } from "./tensor.js";

/**
 * A conv with too few units of positions for its threads to claim (below) is split by
 * output channel when each thread gets at least this many: every thread then reads only
 * its share of the weights (a 1x1 256->1024 conv at 14x14 reread all 1 MB of them for each
 * unit of positions; by channel it went from 1.60x to 1.94-2.02x faster on two threads
 * than on one), and a Winograd conv's threads transform only their share of them. Each
 * thread packs the whole input, which costs about one part in this many of its multiply-adds.
 */
const MIN_CHANNELS_PER_THREAD = 32;
/** Below this many output positions per thread, a conv of few channels is split by channel all the same. */
const MIN_POSITIONS_PER_THREAD = 64;

/**
 * Relative sizes of each thread's blocks of a conv split by position, claimed by
 * whichever thread is free (mailbox.ts, BlockTable): a worker that wakes late, or a core
 * another process holds, then costs a block, not half the layer, and the blocks claimed
 * last, a third the size of the first, bound what the thread done first waits for. By
 * channel, every block packs the whole input, so those stay one per thread (3:1 channel
 * blocks made ResNet-50's 14x14 convs 1.64-1.77x faster on two threads, halves 1.88-1.90x).
 */
const POSITION_BLOCK_SIZES = [3, 1];

/**
 * Fewest units of positions (kernels.c, conv2d_units: 128 positions of a direct conv)
 * per thread for a conv whose threads claim its units one at a time rather than blocks;
 * fewer, and the blocks below balance better.
 */
const MIN_UNITS_PER_THREAD = 3;
/**
 * A conv of one group with too few units of positions for its threads (ResNet-50's 28x28
 * 3x3 and every conv at 14x14 and 7x7) and at least MIN_CHANNELS_PER_THREAD output channels
 * a thread is claimed in units of channels instead, about this many a thread: each thread
 * packs (Winograd: transforms) the input once for all its units, each unit reads only its
 * own weights, and a thread a core was taken from holds up a unit, not half the layer.
 * Measured in one process, two threads over one (ResNet-50's convs at 14x14 and 7x7):
 * 1.897x in units, 1.854x in fixed halves; in a busier spell four units a thread gave
 * 1.663x, two 1.611x, eight 1.601x.
 */
const CHANNEL_UNITS_PER_THREAD = 4;
/**
 * Fewest output channels in a claimed unit: each unit reads all of the packed input again
 * (28x28 Winograd, 128 channels on two threads, alternated in one process: units of 32
 * took 2.84-3.52 ms, of 16 2.92-3.72).
 */
const MIN_UNIT_CHANNELS = 32;
/**
 * The same for a Winograd conv, whose units (two rows of tiles) each read all its
 * transformed weights again: ResNet-50's 28x28 3x3 convs (7 units of 28 tiles) ran 1.37x
 * faster on two threads than on one when claimed so, 1.66-1.70x cut by channel; at 56x56
 * (14 units) claiming positions wins, 1.73x against 1.32-1.35x by channel.
 */
const MIN_TILED_UNITS_PER_THREAD = 6;

/** Work below this many multiply-accumulates runs on one thread: splitting costs more than it saves. */
const SPLIT_MIN_MACS = 1 << 20;

/**
 * Elementwise layers (ReLU, add, bn) below this many values run on one thread: they are
 * bound by memory, and a split gained nothing even at ResNet's largest map (ReLU over
 * 256x56x56: 0.14 ms on one thread, 0.23 on two, measured at load 3.4), while each
 * split call wakes a worker (33 µs idle, up to a scheduler slice on a busy machine).
 */
const SPLIT_MIN_VALUES = 1 << 22;

/** A conv's shape as kernels.c's conv2d_tiled and conv2d_units take it: C, kh, kw, sh, sw, dh, dw, groups, Ho, Wo. */
type ConvGeometry = [number, number, number, number, number, number, number, number, number, number];

function lcm(a: number, b: number): number {
  let [x, y] = [a, b];
  while (y) [x, y] = [y, x % y];
  return (a / x) * b;
}

/**
 * Starts a worker running pool-worker. From dist/ that is plain JavaScript; from the
 * TypeScript sources (tests, tsx) the worker registers tsx's loader first, which a
 * worker does not inherit (tsx is a dev dependency, present wherever sources run).
 */
function startWorker(workerData: object): Worker {
  if (!import.meta.url.endsWith(".ts")) return new Worker(new URL("./pool-worker.js", import.meta.url), { workerData });
  const entry = new URL("./pool-worker.ts", import.meta.url).href;
  const boot = `import("tsx/esm/api").then((api) => { api.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(boot, { eval: true, workerData });
}

/**
 * Threads that split the heavy kernels (conv, transposed conv, linear) into blocks
 * of output channels, positions or rows: `threads − 1` workers plus the calling
 * thread, which claims blocks with the workers rather than wait for them (mailbox.ts,
 * BlockTable; a worker costs memory, and one that wakes late then only does less). All of them run one WebAssembly
 * module on one shared memory: the calling thread copies a layer's input and weights
 * in once, every thread reads them in place and writes its block of the output in
 * place. Every output element is computed by exactly one thread in a fixed summation
 * order, so the results are bit-identical to the single-threaded kernels whatever the
 * thread count. Calls run one at a time (the memory holds one call's buffers).
 *
 * During `resident(task)` (a network run) every output stays in
 * the shared memory as a view of it, so the next layer reads it in place instead of it
 * being copied out to JavaScript and back in; `retain(live)` frees the outputs no live
 * tensor lies in any more. Any JavaScript code may read such a view; one that leaves
 * the run (a kept output, a dump) is copied out first (`detach`). Outside residency
 * every result is a plain copy, as from the single-thread kernels.
 * Close the pool when done, or the workers keep the process alive.
 */
export class ComputePool {
  private readonly workers: Worker[] = [];
  /** Worker i's mailbox in the shared memory: calls go and come back there, not by postMessage. */
  private readonly mailboxes: Mailbox[] = [];
  /** The blocks of the call in progress, for every thread to claim from (with workers only). */
  private readonly table: BlockTable | undefined;
  private readonly kernels: WasmKernels;
  /** The call in progress: the next one starts when it settles. */
  private queue: Promise<unknown> = Promise.resolve();
  /** Kept blocks holding outputs during residency (see the class comment). */
  private readonly residentBlocks = new Set<number>();
  /** Kept blocks of tensors held until freed (`hold`): a model's weights, which no run frees. */
  private readonly heldBlocks = new Set<number>();
  /**
   * Held 3x3 weights → their Winograd transform for each tile size they are used with
   * (kernels.c, winograd_prepare), made at a conv's first call and freed with the weights:
   * a model held across runs is transformed once, as a session prepacks its weights. Same
   * bits as transforming in each call.
   */
  private readonly transformed = new Map<number, Map<number, number>>();
  private residency = false;
  private closed = false;
  /** The resident run in progress: the next one starts when it settles. */
  private runs: Promise<unknown> = Promise.resolve();

  /**
   * `threads` defaults to the machine's available parallelism. `minSplitMacs`: work
   * smaller than this runs on the calling thread alone (tests set 0 to split everything).
   */
  constructor(
    readonly threads: number = availableParallelism(),
    private readonly minSplitMacs = SPLIT_MIN_MACS,
  ) {
    if (!Number.isInteger(threads) || threads < 1) throw new RangeError(`pool: threads must be a positive integer, got ${threads}`);
    const module = wasmModule();
    // Creating this thread's instance now rather than at the first conv starts V8's
    // optimizing compile (see WasmKernels.warmUp), which then overlaps the caller's own preparations.
    this.kernels = new WasmKernels(module);
    const stacks = threads > 1 ? this.kernels.reserve((threads - 1) * WORKER_STACK_BYTES) : 0;
    const mailboxes = threads > 1 ? this.kernels.reserve((threads - 1) * MAILBOX_BYTES) : 0;
    this.table = threads > 1 ? new BlockTable(this.kernels.memory.buffer, this.kernels.reserve(BlockTable.BYTES)) : undefined;
    for (let i = 1; i < threads; i++) {
      const mailbox = mailboxes + (i - 1) * MAILBOX_BYTES;
      const w = startWorker({ module, memory: this.kernels.memory, stackTop: stacks + i * WORKER_STACK_BYTES, mailbox });
      const box = new Mailbox(this.kernels.memory.buffer, mailbox);
      // A worker that stops while the pool is open (an uncaught error, a resource limit, a terminate
      // from elsewhere) answers every call posted to it with why, rather than leave the caller waiting.
      w.on("error", (e) => box.dead(`an engine worker thread failed: ${e.message}`));
      w.on("exit", (code) => {
        if (!this.closed) box.dead(`an engine worker thread stopped (exit code ${code}); start a new pool`);
      });
      this.mailboxes.push(box);
      this.workers.push(w);
    }
  }

  private parts(macs: number): number {
    return macs < this.minSplitMacs ? 1 : this.threads;
  }

  /**
   * Splits M channels × N positions into blocks: by channel when each thread gets enough
   * (MIN_CHANNELS_PER_THREAD) or the positions are few, else by position, in blocks that
   * shrink towards the end: the last blocks claimed are the small ones, so the thread that
   * finishes first waits for at most a small block of the other's. `tiled`: the output's
   * width and the side of the tiles the kernel computes it in (Winograd), whose position
   * blocks then start on whole rows of tiles where the rows allow it. `byPosition` false:
   * the kernel splits by channel only.
   */
  private blocks(M: number, N: number, macs: number, byPosition: boolean, tiled?: { width: number; tile: number }): OutputBlock[] {
    const parts = this.parts(macs);
    const byChannel = () => cut(M, parts, MR).map(([m0, m1]) => ({ m0, m1, n0: 0, n1: N }));
    if (!byPosition || parts === 1 || M >= parts * MIN_CHANNELS_PER_THREAD || N < parts * MIN_POSITIONS_PER_THREAD) return byChannel();
    const tileRows = tiled === undefined ? NR : lcm(NR, tiled.tile * tiled.width);
    const weights = N >= parts * POSITION_BLOCK_SIZES.length * MIN_POSITIONS_PER_THREAD ? POSITION_BLOCK_SIZES.flatMap((w) => Array<number>(parts).fill(w)) : Array<number>(parts).fill(1);
    return cutWeighted(N, weights, N >= weights.length * tileRows ? tileRows : NR).map(([n0, n1]) => ({ m0: 0, m1: M, n0, n1 }));
  }

  /**
   * How a conv's threads claim its output a unit at a time (each takes the next as it comes
   * free), when there are enough units for each thread to take several: units of positions,
   * or for a conv of one group with few positions, of channels. Undefined when the conv is
   * cut into blocks instead.
   */
  private claimedUnits(geometry: ConvGeometry, M: number, tiled: boolean): { channels?: number } | undefined {
    if (this.kernels.exports.conv2d_units(...geometry) >= (tiled ? MIN_TILED_UNITS_PER_THREAD : MIN_UNITS_PER_THREAD) * this.threads) return {};
    if (geometry[7] !== 1 || M < this.threads * MIN_CHANNELS_PER_THREAD) return undefined;
    return { channels: Math.max(MIN_UNIT_CHANNELS, Math.ceil(M / (CHANNEL_UNITS_PER_THREAD * this.threads) / MR) * MR) };
  }

  /** Runs `task` once the calls before it have settled: the shared memory holds one call's buffers at a time. */
  private exclusive<T>(task: () => Promise<T>): Promise<T> {
    const result = this.queue.then(task, task);
    this.queue = result.catch(() => undefined);
    return result;
  }

  /** Runs a placed call's blocks, claimed by this thread and the workers alike, all on the same memory. */
  private async run(call: PlacedCall): Promise<void> {
    const table = this.table;
    if (!table || call.blocks.length === 1) {
      for (const args of call.blocks) this.kernels.call(call.fn, args);
      return;
    }
    const argCount = call.blocks[0]!.length;
    table.fill(call.blocks);
    const scratch = call.scratch;
    // Every worker is rung before this thread claims a block, and waited for once it has none left to claim.
    const posted = this.mailboxes.map((box, i) => box.postClaims(call.fn, table, argCount, scratch && { arg: scratch.arg, pointer: scratch.perThread[i + 1]! }));
    let failure: { error: unknown } | undefined;
    try {
      const claim = () => table.claim(argCount, scratch?.arg, scratch?.perThread[0]);
      for (let args = claim(); args; args = claim()) this.kernels.call(call.fn, args);
    } catch (error) {
      failure = { error };
    }
    // Even if this thread's block threw, the workers finish before the memory is reused.
    const answers = await Promise.all(this.mailboxes.map((box, i) => box.answered(posted[i]!)));
    if (failure) throw failure.error;
    const error = answers.find((message) => message !== undefined);
    if (error !== undefined) throw new Error(error);
  }

  /**
   * Runs `task` (a network run) with residency on: every output stays in the pool's memory
   * as a view until the task settles, when all are freed. Runs on one pool wait for each
   * other, since each frees what its own live tensors do not hold (`retain`).
   */
  resident<T>(task: () => Promise<T>): Promise<T> {
    const run = async () => {
      this.residency = this.kernels.shared;
      try {
        return await task();
      } finally {
        for (const block of this.residentBlocks) this.kernels.release(block);
        this.residentBlocks.clear();
        this.residency = false;
      }
    };
    const result = this.runs.then(run, run);
    this.runs = result.catch(() => undefined);
    return result;
  }

  /** Frees the kept outputs that none of `live` lies in (a run calls it after each layer with its live tensors). */
  retain(live: Iterable<Tensor>): void {
    const held = new Set<number>();
    for (const t of live) {
      const block = this.kernels.blockOf(t.data);
      if (block !== undefined) held.add(block);
    }
    for (const block of this.residentBlocks) {
      if (held.has(block)) continue;
      this.kernels.release(block);
      this.residentBlocks.delete(block);
    }
  }

  /**
   * A copy of `t` in this pool's memory, as a view every call reads in place, until
   * `free(copy)` or the pool closes; runs never free it (weights held across runs: ResidentWeights).
   */
  hold(t: Tensor): Tensor {
    const block = this.kernels.keep(t.data.length);
    this.kernels.put(block, t.data);
    this.heldBlocks.add(block);
    return { shape: [...t.shape], data: this.kernels.view(block, t.data.length) };
  }

  /** Frees a tensor `hold` returned. */
  free(held: Tensor): void {
    const block = this.kernels.blockOf(held.data);
    if (block === undefined || !this.heldBlocks.delete(block)) throw new Error("pool: free takes a tensor this pool's hold returned");
    this.kernels.release(block);
    for (const transform of this.transformed.get(block)?.values() ?? []) this.kernels.release(transform);
    this.transformed.delete(block);
  }

  /** `t` itself, or a plain copy when it is a view of this pool's memory (for a tensor that leaves the run). */
  detach(t: Tensor): Tensor {
    return this.kernels.blockOf(t.data) === undefined ? t : { shape: t.shape, data: t.data.slice() };
  }

  /** The output of a placed call: a view of its kept block during residency, else a copy. */
  private output(shape: number[], call: Pick<PlacedCall, "out" | "outLength" | "kept">): Tensor {
    if (!call.kept) return { shape, data: this.kernels.read(call.out, call.outLength) };
    this.residentBlocks.add(call.out);
    return { shape, data: this.kernels.view(call.out, call.outLength) };
  }

  /** A fresh output of `floats` for an elementwise call: kept during residency, else in the call's layout (`extra`). */
  private elementwiseOut(floats: number, laidOut: number): { out: number; kept: boolean } {
    return this.residency ? { out: this.kernels.keep(floats), kept: true } : { out: laidOut, kept: false };
  }

  /** `conv2d` across the pool; same arguments and result, the epilogue (bn, residual, ReLU) applied by each thread to its block. */
  async conv2d(x: Tensor, weight: Tensor, bias: Float32Array | null, params: Conv2dParams, epilogue?: Epilogue): Promise<Tensor> {
    expectRank(x, 3, "conv2d input");
    expectRank(weight, 4, "conv2d weight");
    const shape = conv2dOutputShape(x.shape, weight.shape, params);
    if (bias && bias.length !== shape[0]) throw new RangeError(`conv2d: bias has ${bias.length} values for ${shape[0]} output channels`);
    if (epilogue?.residual && !sameShape(epilogue.residual.shape, shape)) throw new RangeError(`conv2d: the residual [${epilogue.residual.shape.join(", ")}] is not the output's shape [${shape.join(", ")}]`);
    const N = shape[1] * shape[2];
    const [kh, kw] = weight.shape.slice(2) as [number, number];
    const geometry: ConvGeometry = [x.shape[0]!, kh, kw, params.stride[0], params.stride[1], params.dilation[0], params.dilation[1], params.groups, shape[1], shape[2]];
    const macs = weight.data.length * N;
    const tile = this.kernels.exports.conv2d_tiled(...geometry);
    const claimed = this.parts(macs) > 1 ? this.claimedUnits(geometry, shape[0], tile !== 0) : undefined;
    const blocks = claimed
      ? Array.from({ length: this.threads }, () => ({ m0: 0, m1: shape[0], n0: 0, n1: N }))
      : this.blocks(shape[0], N, macs, true, tile !== 0 ? { width: shape[2], tile } : undefined);
    return this.exclusive(async () => {
      const prepared = tile !== 0 ? this.winogradWeights(weight, tile) : undefined;
      const call = placeConv2d(this.kernels, x, weight, bias, params, blocks, { ...(epilogue && { epilogue }), keepOutput: this.residency, threads: this.threads, claimed, prepared });
      await this.run(call);
      return this.output(shape, call);
    });
  }

  /** The Winograd transform in tiles of `tile` of held weights (made at the first request), undefined for weights not held. */
  private winogradWeights(weight: Tensor, tile: number): number | undefined {
    const block = this.kernels.blockOf(weight.data);
    if (block === undefined || !this.heldBlocks.has(block)) return undefined;
    let bySize = this.transformed.get(block);
    if (bySize === undefined) this.transformed.set(block, (bySize = new Map<number, number>()));
    let transform = bySize.get(tile);
    if (transform === undefined) {
      const [M, C] = weight.shape as [number, number];
      transform = this.kernels.keep(this.kernels.exports.winograd_prepared_size(C, M, tile));
      this.kernels.exports.winograd_prepare(weight.data.byteOffset, C, M, tile, transform);
      bySize.set(tile, transform);
    }
    return transform;
  }

  /** PyTorch's `MaxPool2d` (as `maxPool2d` in kernels/pooling.ts, the same bits) across the pool, split by channels. */
  async maxPool2d(x: Tensor, p: Pool2dParams): Promise<Tensor> {
    expectRank(x, 3, "maxpool input");
    const shape = pool2dOutputShape(x.shape, p, "maxpool");
    const [C, H, W] = x.shape as [number, number, number];
    const [, Ho, Wo] = shape;
    const geometry = [p.kernel[0], p.kernel[1], p.stride[0], p.stride[1], p.padding[0], p.padding[1], p.dilation[0], p.dilation[1]];
    const parts = this.parts(C * Ho * Wo * p.kernel[0] * p.kernel[1]);
    return this.exclusive(async () => {
      const { operands, extra } = placeOperands(this.kernels, [x.data], [this.residency ? 0 : C * Ho * Wo]);
      const { out, kept } = this.elementwiseOut(C * Ho * Wo, extra[0]!);
      const blocks = cut(C, parts, 1).map(([c0, c1]) => [operands[0]!, H, W, out, Ho, Wo, ...geometry, c0, c1]);
      const call: PlacedCall = { fn: "maxpool2d", blocks, out, outLength: C * Ho * Wo, kept };
      await this.run(call);
      return this.output(shape, call);
    });
  }

  /** max(x, 0) with NaN kept (`relu` in kernels/activation.ts, the same bits) across the pool. */
  async relu(x: Tensor): Promise<Tensor> {
    const n = x.data.length;
    return this.exclusive(async () => {
      const { operands, extra } = placeOperands(this.kernels, [x.data], [this.residency ? 0 : n]);
      const { out, kept } = this.elementwiseOut(n, extra[0]!);
      const blocks = this.ranges(n).map(([a, b]) => [operands[0]! + 4 * a, out + 4 * a, b - a]);
      const call: PlacedCall = { fn: "relu_f32", blocks, out, outLength: n, kept };
      await this.run(call);
      return this.output([...x.shape], call);
    });
  }

  /** The elementwise sum of equal-shaped tensors, in their order (`add` in kernels/shape.ts, the same bits), across the pool. */
  async add(xs: readonly Tensor[]): Promise<Tensor> {
    if (xs.length < 2) throw new RangeError("pool add: needs two or more inputs");
    const shape = xs[0]!.shape;
    for (const t of xs) if (!sameShape(t.shape, shape)) throw new RangeError(`add: shapes [${shape.join(", ")}] and [${t.shape.join(", ")}] differ`);
    const n = xs[0]!.data.length;
    return this.exclusive(async () => {
      const { operands, extra } = placeOperands(this.kernels, xs.map((t) => t.data), [this.residency ? 0 : n]);
      const { out, kept } = this.elementwiseOut(n, extra[0]!);
      const ranges = this.ranges(n);
      await this.run({ fn: "sum2_f32", blocks: ranges.map(([a, b]) => [operands[0]! + 4 * a, operands[1]! + 4 * a, out + 4 * a, b - a]), out, outLength: n, kept });
      for (const more of operands.slice(2)) await this.run({ fn: "add_f32", blocks: ranges.map(([a, b]) => [out + 4 * a, more + 4 * a, b - a]), out, outLength: n, kept });
      return this.output([...shape], { out, outLength: n, kept });
    });
  }

  /** y[c] = x[c]·scale[c] + shift[c] in double over the first dimension (`batchNorm`'s arithmetic, the same bits), split by channels. */
  async affineChannels(x: Tensor, affine: ChannelAffine): Promise<Tensor> {
    const C = x.shape[0]!;
    if (affine.scale.length !== C) throw new RangeError(`batchnorm: ${affine.scale.length} values for ${C} channels`);
    const n = x.data.length / C;
    return this.exclusive(async () => {
      const { operands, extra } = placeOperands(this.kernels, [x.data], [this.residency ? 0 : x.data.length, 2 * C, 2 * C]);
      const [laidOut, scaleP, shiftP] = extra as [number, number, number];
      new Float64Array(this.kernels.memory.buffer, scaleP, C).set(affine.scale);
      new Float64Array(this.kernels.memory.buffer, shiftP, C).set(affine.shift);
      const { out, kept } = this.elementwiseOut(x.data.length, laidOut);
      const parts = x.data.length < this.minSplitValues() ? 1 : this.threads;
      const blocks = cut(C, parts, 1).map(([c0, c1]) => [operands[0]! + 4 * c0 * n, out + 4 * c0 * n, c1 - c0, n, scaleP + 8 * c0, shiftP + 8 * c0]);
      const call: PlacedCall = { fn: "affine_channels_f32", blocks, out, outLength: x.data.length, kept };
      await this.run(call);
      return this.output([...x.shape], call);
    });
  }

  private minSplitValues(): number {
    return this.minSplitMacs === 0 ? 0 : SPLIT_MIN_VALUES;
  }

  /** [0, n) in one range per thread (starts on multiples of 4 floats, so SIMD loads stay aligned), or one when n is small. */
  private ranges(n: number): [number, number][] {
    return cut(n, n < this.minSplitValues() ? 1 : this.threads, 4);
  }

  /** `convTranspose2d` across the pool. */
  async convTranspose2d(x: Tensor, weight: Tensor, bias: Float32Array | null, params: ConvTranspose2dParams): Promise<Tensor> {
    expectRank(x, 3, "conv_transpose2d input");
    expectRank(weight, 4, "conv_transpose2d weight");
    const shape = convTranspose2dOutputShape(x.shape, weight.shape, params);
    if (bias && bias.length !== shape[0]) throw new RangeError(`conv_transpose2d: bias has ${bias.length} values for ${shape[0]} output channels`);
    const blocks = this.blocks(shape[0], shape[1] * shape[2], weight.data.length * x.shape[1]! * x.shape[2]!, false);
    return this.exclusive(async () => {
      const call = placeConvTranspose2d(this.kernels, x, weight, bias, params, blocks);
      await this.run(call);
      return this.output(shape, call);
    });
  }

  /** `linear` across the pool: a vector, or every row of a `[T, K]` sequence at once. */
  async linear(x: Tensor, weight: Tensor, bias: Float32Array | null): Promise<Tensor> {
    expectRank(weight, 2, "linear weight");
    const [rows, K, M] = linearShape(x.shape, weight.shape, bias);
    const out = new Float32Array(rows * M);
    await this.exclusive(async () => {
      for (const chunk of linearChunks(this.kernels, x.data, rows, weight, bias, this.parts(rows * M * K))) {
        await this.run(chunk.call);
        chunk.store(this.kernels, out);
      }
    });
    return { shape: x.shape.length === 2 ? [rows, M] : [M], data: out };
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
    this.workers.length = 0;
  }
}
