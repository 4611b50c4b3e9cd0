import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import {
  applyEpilogue,
  conv2dOutputShape,
  convTranspose2dOutputShape,
  placeConv2d,
  placeConvTranspose2d,
  type Conv2dParams,
  type Epilogue,
  type ConvTranspose2dParams,
  type OutputBlock,
  type PlacedCall,
} from "./kernels/conv.js";
import { linearChunks, linearShape } from "./kernels/linear.js";
import { WasmKernels, WORKER_STACK_BYTES, wasmModule } from "./kernels/wasm.js";
import { Mailbox, MAILBOX_BYTES } from "./mailbox.js";
import { cut, MR, NR } from "./split.js";
import { expectRank, type Tensor } from "./tensor.js";

/** Below this many output positions per thread a conv is split by channel instead of by position. */
const MIN_POSITIONS_PER_THREAD = 64;

/** Work below this many multiply-accumulates runs on one thread: splitting costs more than it saves. */
const SPLIT_MIN_MACS = 1 << 20;

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
 * thread, which computes the first block itself while the workers do theirs (it would
 * otherwise only wait, and a worker costs memory). All of them run one WebAssembly
 * module on one shared memory: the calling thread copies a layer's input and weights
 * in once, every thread reads them in place and writes its block of the output in
 * place. Every output element is computed by exactly one thread in a fixed summation
 * order, so the results are bit-identical to the single-threaded kernels whatever the
 * thread count. Calls run one at a time (the memory holds one layer's buffers).
 * Close the pool when done, or the workers keep the process alive.
 */
export class ComputePool {
  private readonly workers: Worker[] = [];
  /** Worker i's mailbox in the shared memory: calls go and come back there, not by postMessage. */
  private readonly mailboxes: Mailbox[] = [];
  private readonly kernels: WasmKernels;
  /** The call in progress: the next one starts when it settles. */
  private queue: Promise<unknown> = Promise.resolve();

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
    for (let i = 1; i < threads; i++) {
      const mailbox = mailboxes + (i - 1) * MAILBOX_BYTES;
      const w = startWorker({ module, memory: this.kernels.memory, stackTop: stacks + i * WORKER_STACK_BYTES, mailbox });
      const box = new Mailbox(this.kernels.memory.buffer, mailbox);
      w.on("error", (e) => box.dead(e.message));
      this.mailboxes.push(box);
      this.workers.push(w);
    }
  }

  private parts(macs: number): number {
    return macs < this.minSplitMacs ? 1 : this.threads;
  }

  /** Splits M channels × N positions into blocks, one per thread: by position when there are enough, else by channel. */
  private blocks(M: number, N: number, macs: number, byPosition: boolean): OutputBlock[] {
    const parts = this.parts(macs);
    if (byPosition && N >= parts * MIN_POSITIONS_PER_THREAD) return cut(N, parts, NR).map(([n0, n1]) => ({ m0: 0, m1: M, n0, n1 }));
    return cut(M, parts, MR).map(([m0, m1]) => ({ m0, m1, n0: 0, n1: N }));
  }

  /** Runs `task` once the calls before it have settled: the shared memory holds one call's buffers at a time. */
  private exclusive<T>(task: () => Promise<T>): Promise<T> {
    const result = this.queue.then(task, task);
    this.queue = result.catch(() => undefined);
    return result;
  }

  /** Runs a placed call's blocks: the first on this thread, the others on the workers, all on the same memory. */
  private async run(call: PlacedCall): Promise<void> {
    const remote = call.blocks.slice(1).map(async (args, i) => {
      const box = this.mailboxes[i]!;
      const error = await box.answered(box.post(call.fn, args));
      if (error !== undefined) throw new Error(error);
    });
    try {
      this.kernels.call(call.fn, call.blocks[0]!);
    } finally {
      // Even if this thread's block threw, let the workers finish before the memory is reused.
      await Promise.allSettled(remote);
    }
    await Promise.all(remote);
  }

  /** `conv2d` across the pool; same arguments and result, the epilogue (bn, ReLU) applied to the output before it is read out. */
  async conv2d(x: Tensor, weight: Tensor, bias: Float32Array | null, params: Conv2dParams, epilogue?: Epilogue): Promise<Tensor> {
    expectRank(x, 3, "conv2d input");
    expectRank(weight, 4, "conv2d weight");
    const shape = conv2dOutputShape(x.shape, weight.shape, params);
    if (bias && bias.length !== shape[0]) throw new RangeError(`conv2d: bias has ${bias.length} values for ${shape[0]} output channels`);
    const N = shape[1] * shape[2];
    const blocks = this.blocks(shape[0], N, weight.data.length * N, true);
    return this.exclusive(async () => {
      const call = placeConv2d(this.kernels, x, weight, bias, params, blocks, epilogue);
      await this.run(call);
      applyEpilogue(this.kernels, call);
      return { shape, data: this.kernels.read(call.out, call.outLength) };
    });
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
      return { shape, data: this.kernels.read(call.out, call.outLength) };
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
    await Promise.all(this.workers.map((w) => w.terminate()));
    this.workers.length = 0;
  }
}
