import { wasmBase64 } from "./wasm-module.js";

// The project's `lib` has no DOM and @types/node 20 has no WebAssembly declarations,
// so the few pieces used here are typed locally instead of declaring a global.
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
/** A compiled module: opaque, but transferable to workers by `postMessage`. */
export type WasmModule = object;
interface WasmApi {
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule, imports: object) => { exports: unknown };
}
const WA = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** The exports of kernels.c; pointers are byte offsets into `memory`. */
interface KernelExports {
  memory: WasmMemory;
  __heap_base: { value: number };
  conv2d(...args: number[]): void;
  conv2d_scratch(...args: number[]): number;
  conv_transpose2d(...args: number[]): void;
  conv_transpose2d_scratch(...args: number[]): number;
  linear(x: number, K: number, w: number, bias: number, y: number, mBegin: number, mEnd: number): void;
}

let compiled: WasmModule | undefined;

/** The compiled module; compiled once per thread (a few ms) and shareable with workers. */
export function wasmModule(): WasmModule {
  compiled ??= new WA.Module(Buffer.from(wasmBase64, "base64"));
  return compiled;
}

const PAGE = 65536;

/**
 * One instance of the kernels with its own linear memory. Arguments are copied in,
 * the kernel runs, results are copied out: the copies are a few percent of a conv's
 * time and keep every `Tensor` a plain `Float32Array` that the memory's growth
 * cannot detach.
 */
export class WasmKernels {
  readonly exports: KernelExports;
  private readonly heapBase: number;

  constructor(module: WasmModule = wasmModule()) {
    const instance = new WA.Instance(module, {});
    this.exports = instance.exports as KernelExports;
    this.heapBase = this.exports.__heap_base.value;
    this.warmUp();
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
    const [inP, wP, outP, sP] = this.layout([C * H * H, M * C * 9, M * H * H, this.exports.conv2d_scratch(C, H, H, 3, 3, 1, 1, 1, 1, 1, 1, 1, H, H, 0, M)]) as [number, number, number, number];
    for (let i = 0; i < 3; i++) this.exports.conv2d(inP, C, H, H, wP, 0, outP, M, 3, 3, 1, 1, 1, 1, 1, 1, 1, H, H, 0, M, 0, H * H, sP);
  }

  /**
   * Places buffers of the given float counts one after another (16-byte aligned for
   * SIMD loads) above the stack and static data, grows the memory to hold them and
   * returns their byte offsets. Valid until the next call.
   */
  layout(floats: readonly number[]): number[] {
    const offsets: number[] = [];
    let at = align16(this.heapBase);
    for (const n of floats) {
      offsets.push(at);
      at = align16(at + n * 4);
    }
    const memory = this.exports.memory;
    if (at > memory.buffer.byteLength) memory.grow(Math.ceil((at - memory.buffer.byteLength) / PAGE));
    return offsets;
  }

  /** A view of `length` floats at byte offset `ptr`; invalid after the memory grows. */
  view(ptr: number, length: number): Float32Array {
    return new Float32Array(this.exports.memory.buffer, ptr, length);
  }

  put(ptr: number, data: ArrayLike<number>): void {
    this.view(ptr, data.length).set(data);
  }
}

function align16(n: number): number {
  return (n + 15) & ~15;
}

let local: WasmKernels | undefined;

/** This thread's kernel instance, created on first use. */
export function kernels(): WasmKernels {
  local ??= new WasmKernels();
  return local;
}
