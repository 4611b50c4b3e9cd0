import { align16, Arena } from "../arena.js";
import { wasmRelaxedBase64, wasmSimdBase64, wasmSingleBase64 } from "./wasm-module.js";

// The project's `lib` has no DOM and @types/node 20 has no WebAssembly declarations,
// so the few pieces used here are typed locally instead of declaring a global.
/** A shared WebAssembly memory: transferable to workers by `postMessage`, never detached by growing. */
export interface WasmMemory {
  readonly buffer: ArrayBufferLike;
  grow(pages: number): number;
}
/** A compiled module: opaque, but transferable to workers by `postMessage`. */
export type WasmModule = object;
interface WasmApi {
  Module: (new (bytes: Uint8Array) => WasmModule) & { imports(module: WasmModule): { module: string; name: string }[] };
  Instance: new (module: WasmModule, imports: object) => { exports: unknown };
  Memory: new (limits: { initial: number; maximum: number; shared: true }) => WasmMemory;
  validate(bytes: Uint8Array): boolean;
}
const WA = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** The exports of kernels.c; pointers are byte offsets into the shared memory. */
export interface KernelExports {
  __heap_base: { value: number };
  __stack_pointer: { value: number };
  conv2d(...args: number[]): void;
  conv2d_scratch(...args: number[]): number;
  conv2d_tiled(C: number, kh: number, kw: number, sh: number, sw: number, dh: number, dw: number, groups: number, Ho: number, Wo: number): number;
  conv2d_units(C: number, kh: number, kw: number, sh: number, sw: number, dh: number, dw: number, groups: number, Ho: number, Wo: number): number;
  winograd_prepare(w: number, C: number, M: number, tile: number, u: number): void;
  winograd_prepared_size(C: number, M: number, tile: number): number;
  conv_transpose2d(...args: number[]): void;
  conv_transpose2d_scratch(...args: number[]): number;
  linear(x: number, K: number, w: number, bias: number, y: number, mBegin: number, mEnd: number): void;
  linear_rows(x: number, K: number, w: number, bias: number, y: number, M: number, tBegin: number, tEnd: number, scratch: number): void;
  linear_rows_scratch(K: number): number;
  uniform_fill(out: number, n: number, state: number, bound: number): void;
  finite_range(x: number, n: number, out: number): void;
  channel_moments(x: number, channels: number, n: number, out: number): void;
  relu_f32(x: number, y: number, n: number): void;
  add_f32(acc: number, x: number, n: number): void;
  sum2_f32(a: number, b: number, y: number, n: number): void;
  affine_channels_f32(x: number, y: number, channels: number, n: number, scale: number, shift: number): void;
  maxpool2d(...args: number[]): void;
}

/** The kernels a pool's workers run by name, with the arguments the calling thread laid out. */
export type KernelName = "conv2d" | "conv_transpose2d" | "linear" | "linear_rows" | "maxpool2d" | "relu_f32" | "add_f32" | "sum2_f32" | "affine_channels_f32";

/**
 * Which build of kernels.c runs: relaxed SIMD (fused multiply-add) where the runtime
 * validates it, plain SIMD otherwise, both on a shared memory; plain SIMD on a memory
 * of its own ("single-memory", one thread) where there is no shared memory.
 */
export type WasmVariant = "relaxed-simd" | "simd" | "single-memory";

let compiled: { module: WasmModule; variant: WasmVariant } | undefined;

/** A browser page without cross-origin isolation cannot create a shared memory; Node always can. */
function sharedMemoryWorks(): boolean {
  try {
    return new WA.Memory({ initial: 1, maximum: 1, shared: true }).buffer instanceof SharedArrayBuffer;
  } catch {
    return false;
  }
}

function compile(): { module: WasmModule; variant: WasmVariant } {
  if (!sharedMemoryWorks()) return { module: new WA.Module(Buffer.from(wasmSingleBase64, "base64")), variant: "single-memory" };
  // Node 20 has relaxed SIMD behind --experimental-wasm-relaxed-simd, newer Node by default:
  // asking the runtime is the only reliable test. NETFIG_WASM=simd keeps the plain build (benchmarks compare the two).
  const relaxed = Buffer.from(wasmRelaxedBase64, "base64");
  const env = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env;
  if (env?.NETFIG_WASM !== "simd" && WA.validate(relaxed)) return { module: new WA.Module(relaxed), variant: "relaxed-simd" };
  return { module: new WA.Module(Buffer.from(wasmSimdBase64, "base64")), variant: "simd" };
}

/** The compiled module; compiled once per thread (a few ms) and shareable with workers. */
export function wasmModule(): WasmModule {
  compiled ??= compile();
  return compiled.module;
}

/** The build `wasmModule` chose. */
export function wasmVariant(): WasmVariant {
  compiled ??= compile();
  return compiled.variant;
}

const PAGE = 65536;
/** Pages a fresh memory starts with: the module's data and main stack (under 128 KiB) and room for small layers. */
const INITIAL_PAGES = 32;
/** wasm32's whole 4 GiB: a shared memory declares its maximum up front, and V8 reserves the address space anyway. */
const MAXIMUM_PAGES = 65536;
/** Bytes of stack each worker gets in the shared memory; the kernels keep only small tiles there. */
export const WORKER_STACK_BYTES = 65536;

/**
 * One instance of the kernels on a shared linear memory. On the thread that owns the
 * memory (`new WasmKernels()`), `layout` places a call's buffers, `put` copies
 * arguments in and `view` reads results out, and `keep` holds a block for longer (a
 * run's live tensors: `holds` finds a tensor that already lies in the memory, so it is
 * read in place rather than copied in again). A pool's workers instantiate the same
 * module on the same memory (`new WasmKernels(module, memory, stackTop)`), each with
 * its own stack, and run kernels on the buffers the owner laid out: nothing is copied
 * per worker.
 */
export class WasmKernels {
  readonly exports: KernelExports;
  readonly memory: WasmMemory;
  /** A shared memory never detaches its views when it grows, so tensors may stay in it as views. */
  readonly shared: boolean;
  private readonly arena: Arena;
  /** The block of the last `layout`, which the next releases. */
  private laidOut: number | undefined;
  /** Every buffer object this memory's views were made on (a shared memory's `buffer` is a new object after it grows). */
  private readonly buffers = new WeakSet<object>();

  constructor(module: WasmModule = wasmModule(), memory?: WasmMemory, stackTop?: number) {
    // The threads-enabled builds import their (shared) memory; the single-memory build exports its own.
    if (WA.Module.imports(module).length === 0) {
      if (memory) throw new Error("kernels: this runtime has no shared memory, so the kernels run on one thread only");
      const instance = new WA.Instance(module, {});
      this.exports = instance.exports as KernelExports;
      this.memory = (instance.exports as { memory: WasmMemory }).memory;
    } else {
      this.memory = memory ?? new WA.Memory({ initial: INITIAL_PAGES, maximum: MAXIMUM_PAGES, shared: true });
      this.exports = new WA.Instance(module, { env: { memory: this.memory } }).exports as KernelExports;
    }
    this.shared = this.memory.buffer instanceof SharedArrayBuffer;
    this.arena = new Arena(this.exports.__heap_base.value, (end) => this.ensure(end));
    if (stackTop !== undefined) this.exports.__stack_pointer.value = stackTop;
    // A worker's instance shares the compiled code, which the owner's warm-up already optimises.
    if (!memory) this.warmUp();
  }

  /**
   * V8 first runs WebAssembly from its baseline compiler and optimizes a function
   * only once it has spent a budget of work in it, in the background. A network run
   * calls the conv kernel a few dozen times, so without this its first convs ran 3-6x
   * slower (measured: 54 ms, 36 ms, then 9 ms for the same conv). A few small convs
   * (about 4 ms) spend the budget now, and the optimizing compile overlaps whatever
   * the caller does next (decoding the image, initialising weights).
   */
  private warmUp(): void {
    const C = 16, H = 24, M = 16;
    const [inP, wP, outP, sP] = this.layout([C * H * H, M * C * 9, M * H * H, this.exports.conv2d_scratch(C, H, H, 3, 3, 1, 1, 1, 1, 1, 1, 1, H, H, 0, M, 0, 0)]) as [number, number, number, number];
    for (let i = 0; i < 3; i++) this.exports.conv2d(inP, C, H, H, wP, 0, outP, M, 3, 3, 1, 1, 1, 1, 1, 1, 1, H, H, 0, M, 0, H * H, sP, 0, 0, 0, 0, 0, 0, 0);
    this.layout([]);
  }

  /** Holds `bytes` (16-byte aligned) for good, e.g. workers' stacks; returns their start. */
  reserve(bytes: number): number {
    return this.arena.allocate(bytes);
  }

  /**
   * Places buffers of the given float counts (16-byte aligned for SIMD loads) where
   * no kept block is, grows the memory to hold them and returns their byte offsets.
   * Valid until the next call, which reuses the room. All of them lie in one block of
   * the arena: a conv lays out nine buffers, and a block each cost ResNet-50's run
   * 1.27-1.39 ms of layouts, one block 0.67-0.91 ms (alternated in one process).
   */
  layout(floats: readonly number[]): number[] {
    if (this.laidOut !== undefined) this.arena.release(this.laidOut);
    const sizes = floats.map((n) => align16(4 * n));
    const block = this.arena.allocate(sizes.reduce((a, b) => a + b, 0));
    this.laidOut = block;
    let at = block;
    return sizes.map((bytes) => ((at += bytes), at - bytes));
  }

  /** A block of `floats` that stays until `release`: a tensor kept in the memory between calls. */
  keep(floats: number): number {
    return this.arena.allocate(floats * 4);
  }

  release(ptr: number): void {
    this.arena.release(ptr);
  }

  /** The byte offset of `data` when it is a view of a kept block of this memory (read in place), else undefined. */
  holds(data: Float32Array): number | undefined {
    if (!this.buffers.has(data.buffer)) return undefined;
    const block = this.arena.blockOf(data.byteOffset, data.byteLength);
    return block === undefined || block === this.laidOut ? undefined : data.byteOffset;
  }

  /** The kept block `data` lies in, if it is one of this memory's. */
  blockOf(data: Float32Array): number | undefined {
    return this.buffers.has(data.buffer) ? this.arena.blockOf(data.byteOffset, data.byteLength) : undefined;
  }

  private ensure(bytes: number): void {
    const have = this.memory.buffer.byteLength;
    if (bytes > have) this.memory.grow(Math.ceil((bytes - have) / PAGE));
  }

  /** A view of `length` floats at byte offset `ptr`; it does not see growth past its end. */
  view(ptr: number, length: number): Float32Array {
    const view = new Float32Array(this.memory.buffer, ptr, length);
    this.buffers.add(view.buffer);
    return view;
  }

  put(ptr: number, data: ArrayLike<number>): void {
    this.view(ptr, data.length).set(data);
  }

  /** A plain copy of `length` floats at `ptr`, safe to keep. */
  read(ptr: number, length: number): Float32Array {
    return this.view(ptr, length).slice();
  }

  call(fn: KernelName, args: readonly number[]): void {
    (this.exports[fn] as (...a: number[]) => void)(...args);
  }
}

let local: WasmKernels | undefined;

/** This thread's kernel instance, created on first use. */
export function kernels(): WasmKernels {
  local ??= new WasmKernels();
  return local;
}
