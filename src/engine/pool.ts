import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import {
  conv2dOutputShape,
  convTranspose2dOutputShape,
  type Conv2dParams,
  type ConvTranspose2dParams,
  type OutputBlock,
} from "./kernels/conv.js";
import { linearShape } from "./kernels/linear.js";
import { kernels, wasmModule } from "./kernels/wasm.js";
import { runTask, type PoolTask } from "./pool-task.js";
import { expectRank, type Tensor } from "./tensor.js";

type TaskBody = PoolTask extends infer T ? (T extends PoolTask ? Omit<T, "block"> : never) : never;

/** The micro-kernel tile of kernels.c, MR channels × NR positions: blocks start on multiples so tiles stay full. */
const MR = 4;
const NR = 8;

/** Below this many output positions per thread a conv is split by channel instead of by position. */
const MIN_POSITIONS_PER_THREAD = 64;

/** Cuts [0, n) into at most `parts` ranges whose starts are multiples of `align`. */
function cut(n: number, parts: number, align: number): [number, number][] {
  const per = Math.ceil(n / parts / align) * align;
  const out: [number, number][] = [];
  for (let b = 0; b < n; b += per) out.push([b, Math.min(n, b + per)]);
  return out;
}

/** Work below this many multiply-accumulates runs on one thread: splitting costs more than it saves. */
const SPLIT_MIN_MACS = 1 << 20;

// Shared copies of weights, made once per array: every forward pass reuses them.
const sharedWeights = new WeakMap<Float32Array, Float32Array>();

/**
 * `a` itself when it lives in a SharedArrayBuffer, otherwise a shared copy; weights'
 * copies are cached, activations' are not (caching them would keep a second copy of
 * every layer output that a run keeps for its thumbnails).
 */
function shared(a: Float32Array, cache: boolean): Float32Array {
  if (a.buffer instanceof SharedArrayBuffer) return a;
  let copy = cache ? sharedWeights.get(a) : undefined;
  if (!copy) {
    copy = new Float32Array(new SharedArrayBuffer(a.byteLength));
    copy.set(a);
    if (cache) sharedWeights.set(a, copy);
  }
  return copy;
}

const sharedTensor = (t: Tensor, cache: boolean): Tensor => ({ shape: t.shape, data: shared(t.data, cache) });

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
 * of output channels or positions: `threads − 1` workers plus the calling thread,
 * which computes the first block itself while the workers do theirs (it would
 * otherwise only wait, and a worker costs memory). Every output element is computed by exactly one thread in a fixed
 * summation order, so the results are bit-identical to the single-threaded kernels
 * whatever the thread count. Outputs are views of SharedArrayBuffers (still plain
 * `Float32Array`s). Close the pool when done, or the workers keep the process alive.
 */
export class ComputePool {
  private readonly workers: Worker[] = [];
  private readonly pending = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  private nextId = 0;

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
    // This thread's kernels now rather than at the first conv: creating them starts
    // V8's optimizing compile (see WasmKernels.warmUp), which then overlaps the
    // caller's own preparations.
    kernels();
    for (let i = 1; i < threads; i++) {
      const w = startWorker({ module });
      w.on("message", (m: { id: number; error?: string }) => {
        const p = this.pending.get(m.id);
        if (!p) return;
        this.pending.delete(m.id);
        if (m.error !== undefined) p.reject(new Error(m.error));
        else p.resolve();
      });
      w.on("error", (e) => {
        for (const p of this.pending.values()) p.reject(e);
        this.pending.clear();
      });
      this.workers.push(w);
    }
  }

  /** Splits M channels × N positions into blocks, one per thread: by position when there are enough, else by channel. */
  private blocks(M: number, N: number, macs: number, byPosition: boolean): OutputBlock[] {
    const parts = macs < this.minSplitMacs ? 1 : this.threads;
    if (byPosition && N >= parts * MIN_POSITIONS_PER_THREAD) return cut(N, parts, NR).map(([n0, n1]) => ({ m0: 0, m1: M, n0, n1 }));
    return cut(M, parts, MR).map(([m0, m1]) => ({ m0, m1, n0: 0, n1: N }));
  }

  private async run(body: TaskBody, blocks: OutputBlock[]): Promise<void> {
    const remote = blocks.slice(1).map(
      (block, i) =>
        new Promise<void>((resolve, reject) => {
          const id = this.nextId++;
          this.pending.set(id, { resolve, reject });
          this.workers[i]!.postMessage({ ...body, id, block });
        }),
    );
    try {
      runTask({ ...body, block: blocks[0]! } as PoolTask, kernels());
    } finally {
      // Even if this thread's block threw, let the workers finish before the caller moves on.
      await Promise.allSettled(remote);
    }
    await Promise.all(remote);
  }

  /** `conv2d` across the pool; same arguments and result. */
  async conv2d(x: Tensor, weight: Tensor, bias: Float32Array | null, params: Conv2dParams): Promise<Tensor> {
    expectRank(x, 3, "conv2d input");
    expectRank(weight, 4, "conv2d weight");
    const shape = conv2dOutputShape(x.shape, weight.shape, params);
    if (bias && bias.length !== shape[0]) throw new RangeError(`conv2d: bias has ${bias.length} values for ${shape[0]} output channels`);
    const out = new Float32Array(new SharedArrayBuffer(shape[0] * shape[1] * shape[2] * 4));
    const N = shape[1] * shape[2];
    const blocks = this.blocks(shape[0], N, weight.data.length * N, true);
    await this.run({ op: "conv2d", x: sharedTensor(x, false), weight: sharedTensor(weight, true), bias: bias && shared(bias, true), params, out }, blocks);
    return { shape, data: out };
  }

  /** `convTranspose2d` across the pool. */
  async convTranspose2d(x: Tensor, weight: Tensor, bias: Float32Array | null, params: ConvTranspose2dParams): Promise<Tensor> {
    expectRank(x, 3, "conv_transpose2d input");
    expectRank(weight, 4, "conv_transpose2d weight");
    const shape = convTranspose2dOutputShape(x.shape, weight.shape, params);
    if (bias && bias.length !== shape[0]) throw new RangeError(`conv_transpose2d: bias has ${bias.length} values for ${shape[0]} output channels`);
    const out = new Float32Array(new SharedArrayBuffer(shape[0] * shape[1] * shape[2] * 4));
    const blocks = this.blocks(shape[0], shape[1] * shape[2], weight.data.length * x.shape[1]! * x.shape[2]!, false);
    await this.run({ op: "conv_transpose2d", x: sharedTensor(x, false), weight: sharedTensor(weight, true), bias: bias && shared(bias, true), params, out }, blocks);
    return { shape, data: out };
  }

  /** `linear` across the pool (each row of a `[T, K]` sequence in turn). */
  async linear(x: Tensor, weight: Tensor, bias: Float32Array | null): Promise<Tensor> {
    expectRank(weight, 2, "linear weight");
    const [rows, K, M] = linearShape(x.shape, weight.shape, bias);
    const out = new Float32Array(new SharedArrayBuffer(rows * M * 4));
    const w = sharedTensor(weight, true), b = bias && shared(bias, true), xs = shared(x.data, false);
    for (let t = 0; t < rows; t++) {
      const row = { shape: [K], data: xs.subarray(t * K, (t + 1) * K) };
      await this.run({ op: "linear", x: row, weight: w, bias: b, out: out.subarray(t * M, (t + 1) * M) }, this.blocks(M, 1, M * K, false));
    }
    return { shape: x.shape.length === 2 ? [rows, M] : [M], data: out };
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
    this.workers.length = 0;
  }
}
