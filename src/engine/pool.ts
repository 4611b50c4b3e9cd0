import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import {
  conv2dOutputShape,
  convTranspose2dOutputShape,
  type Conv2dParams,
  type ConvTranspose2dParams,
} from "./kernels/conv.js";
import { linearShape } from "./kernels/linear.js";
import { wasmModule } from "./kernels/wasm.js";
import { expectRank, type Tensor } from "./tensor.js";

/** One range of one kernel, as sent to a worker; arrays are views of SharedArrayBuffers. */
export type PoolTask = { id: number; begin: number; end: number; out: Float32Array } & (
  | { op: "conv2d"; x: Tensor; weight: Tensor; bias: Float32Array | null; params: Conv2dParams }
  | { op: "conv_transpose2d"; x: Tensor; weight: Tensor; bias: Float32Array | null; params: ConvTranspose2dParams }
  | { op: "linear"; x: Tensor; weight: Tensor; bias: Float32Array | null }
);
type TaskBody = PoolTask extends infer T ? (T extends PoolTask ? Omit<T, "id" | "begin" | "end"> : never) : never;

/** Rows of the micro-kernel tile (kernels.c MR): ranges start on a multiple so every tile is full. */
const ALIGN = 4;

/** Work below this many multiply-accumulates runs on a single worker: splitting costs more than it saves. */
const SPLIT_MIN_MACS = 1 << 20;

// Copies of non-shared arrays, made once per array: weights are reused by every forward pass.
const sharedCopies = new WeakMap<Float32Array, Float32Array>();

/** `a` itself when it lives in a SharedArrayBuffer, otherwise a (cached) shared copy. */
function shared(a: Float32Array): Float32Array {
  if (a.buffer instanceof SharedArrayBuffer) return a;
  let copy = sharedCopies.get(a);
  if (!copy) {
    copy = new Float32Array(new SharedArrayBuffer(a.byteLength));
    copy.set(a);
    sharedCopies.set(a, copy);
  }
  return copy;
}

const sharedTensor = (t: Tensor): Tensor => ({ shape: t.shape, data: shared(t.data) });

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
 * Worker threads that split the heavy kernels (conv, transposed conv, linear) by
 * output channel. Every output element is computed by exactly one thread in a fixed
 * summation order, so the results are bit-identical to the single-threaded kernels
 * whatever the thread count. Outputs are views of SharedArrayBuffers (still plain
 * `Float32Array`s). Close the pool when done, or the workers keep the process alive.
 */
export class ComputePool {
  private readonly workers: Worker[] = [];
  private readonly pending = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  private nextId = 0;

  /** `threads` defaults to the machine's available parallelism. */
  constructor(readonly threads: number = availableParallelism()) {
    if (!Number.isInteger(threads) || threads < 1) throw new RangeError(`pool: threads must be a positive integer, got ${threads}`);
    const module = wasmModule();
    for (let i = 0; i < threads; i++) {
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

  private async run(body: TaskBody, rows: number, macs: number): Promise<void> {
    const parts = macs < SPLIT_MIN_MACS ? 1 : Math.min(this.threads, Math.ceil(rows / ALIGN));
    const per = Math.ceil(rows / parts / ALIGN) * ALIGN;
    const jobs: Promise<void>[] = [];
    for (let i = 0; i < parts; i++) {
      const begin = Math.min(rows, i * per), end = Math.min(rows, (i + 1) * per);
      if (begin >= end) continue;
      const id = this.nextId++;
      jobs.push(
        new Promise<void>((resolve, reject) => {
          this.pending.set(id, { resolve, reject });
          this.workers[i]!.postMessage({ ...body, id, begin, end });
        }),
      );
    }
    await Promise.all(jobs);
  }

  /** `conv2d` across the pool; same arguments and result. */
  async conv2d(x: Tensor, weight: Tensor, bias: Float32Array | null, params: Conv2dParams): Promise<Tensor> {
    expectRank(x, 3, "conv2d input");
    expectRank(weight, 4, "conv2d weight");
    const shape = conv2dOutputShape(x.shape, weight.shape, params);
    if (bias && bias.length !== shape[0]) throw new RangeError(`conv2d: bias has ${bias.length} values for ${shape[0]} output channels`);
    const out = new Float32Array(new SharedArrayBuffer(shape[0] * shape[1] * shape[2] * 4));
    const macs = (weight.data.length * shape[1] * shape[2]);
    await this.run({ op: "conv2d", x: sharedTensor(x), weight: sharedTensor(weight), bias: bias && shared(bias), params, out }, shape[0], macs);
    return { shape, data: out };
  }

  /** `convTranspose2d` across the pool. */
  async convTranspose2d(x: Tensor, weight: Tensor, bias: Float32Array | null, params: ConvTranspose2dParams): Promise<Tensor> {
    expectRank(x, 3, "conv_transpose2d input");
    expectRank(weight, 4, "conv_transpose2d weight");
    const shape = convTranspose2dOutputShape(x.shape, weight.shape, params);
    if (bias && bias.length !== shape[0]) throw new RangeError(`conv_transpose2d: bias has ${bias.length} values for ${shape[0]} output channels`);
    const out = new Float32Array(new SharedArrayBuffer(shape[0] * shape[1] * shape[2] * 4));
    const macs = weight.data.length * x.shape[1]! * x.shape[2]!;
    await this.run({ op: "conv_transpose2d", x: sharedTensor(x), weight: sharedTensor(weight), bias: bias && shared(bias), params, out }, shape[0], macs);
    return { shape, data: out };
  }

  /** `linear` across the pool (each row of a `[T, K]` sequence in turn). */
  async linear(x: Tensor, weight: Tensor, bias: Float32Array | null): Promise<Tensor> {
    expectRank(weight, 2, "linear weight");
    const [rows, K, M] = linearShape(x.shape, weight.shape, bias);
    const out = new Float32Array(new SharedArrayBuffer(rows * M * 4));
    const w = sharedTensor(weight), b = bias && shared(bias), xs = shared(x.data);
    for (let t = 0; t < rows; t++) {
      const row = { shape: [K], data: xs.subarray(t * K, (t + 1) * K) };
      await this.run({ op: "linear", x: row, weight: w, bias: b, out: out.subarray(t * M, (t + 1) * M) }, M, M * K);
    }
    return { shape: x.shape.length === 2 ? [rows, M] : [M], data: out };
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
    this.workers.length = 0;
  }
}
