import { kernels } from "./kernels/wasm.js";
import type { Tensor } from "./tensor.js";
import { numel, sharedFloat32 } from "./tensor.js";

/**
 * How a parameter is initialised when no weights file supplies it. Uniform
 * distributions only: they need nothing but `Math.sqrt` and arithmetic, which IEEE
 * 754 fixes to the bit, so a seed gives the same weights on every machine.
 */
export type InitSpec =
  /** He/Kaiming uniform for layers followed by ReLU: U(−b, b), b = √(6 / fanIn). */
  | { kind: "he"; fanIn: number }
  /** Glorot/Xavier uniform: U(−b, b), b = √(6 / (fanIn + fanOut)). */
  | { kind: "xavier"; fanIn: number; fanOut: number }
  /** A constant: 0 for biases and BN shifts and means, 1 for BN scales and variances. */
  | { kind: "constant"; value: number };

/** splitmix32 (a 32-bit variant of Steele et al.'s SplitMix): small, fast and good enough for weights. */
export class SplitMix32 {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  /** Next 32 random bits as an unsigned integer. */
  nextUint32(): number {
    this.state = (this.state + 0x9e3779b9) >>> 0;
    let z = this.state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  }
  /** Uniform in [0, 1) with 24 random bits: every value exactly representable in float32. */
  nextFloat(): number {
    return (this.nextUint32() >>> 8) / 16777216;
  }
}

/** From this many values on, weights are drawn by the WebAssembly kernel (four lanes at a time, several times faster than the loop); the bits are the same. */
const WASM_FILL_MIN = 4096;
/** Values drawn per kernel call: bounds the WebAssembly memory a large layer needs (1 MiB). */
const FILL_CHUNK = 1 << 18;
const GOLDEN = 0x9e3779b9;

/** The values `new SplitMix32(state)` would give as `(2 * nextFloat() - 1) * bound`, drawn by kernels.c's `uniform_fill`. */
function uniformFill(data: Float32Array, state: number, bound: number): void {
  const k = kernels();
  for (let start = 0; start < data.length; start += FILL_CHUNK) {
    const n = Math.min(FILL_CHUNK, data.length - start);
    const [out] = k.layout([n]) as [number];
    // SplitMix32's state is a counter: after `start` draws it has advanced by start · golden.
    k.exports.uniform_fill(out, n, (state + Math.imul(GOLDEN, start)) >>> 0, bound);
    data.set(k.view(out, n), start);
  }
}

/** FNV-1a over the UTF-16 code units of `s`, mixed with `seed`. */
function hashName(seed: number, s: string): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/**
 * The parameter `name` (e.g. `conv1.weight`) of the given shape, initialised per
 * `spec` from a stream seeded by `seed` and the name alone: a layer's weights do not
 * change when other layers are added, removed or visited in another order.
 */
export function initParam(seed: number, name: string, shape: readonly number[], spec: InitSpec): Tensor {
  const data = sharedFloat32(numel(shape));
  if (spec.kind === "constant") {
    data.fill(spec.value);
  } else {
    const fan = spec.kind === "he" ? spec.fanIn : spec.fanIn + spec.fanOut;
    if (!(fan > 0)) throw new RangeError(`init ${name}: fan must be positive`);
    const bound = Math.sqrt(6 / fan);
    const state = hashName(seed >>> 0, name);
    if (data.length < WASM_FILL_MIN) {
      const rng = new SplitMix32(state);
      for (let i = 0; i < data.length; i++) data[i] = (2 * rng.nextFloat() - 1) * bound;
    } else {
      uniformFill(data, state, bound);
    }
  }
  return { shape: [...shape], data };
}

/**
 * A seeded input for networks that do not read an image (a DCGAN generator's noise
 * vector, a sequence): uniform on [−√3, √3], zero mean and unit variance like the
 * Gaussian noise such networks are fed, reproducible like the weights.
 */
export function seededInput(seed: number, shape: readonly number[]): Tensor {
  // He's bound √(6 / fanIn) is √3 for fanIn 2.
  return initParam(seed, "input", shape, { kind: "he", fanIn: 2 });
}

/** Seeded token ids, whole numbers uniform in [0, vocabulary): the input of an embedding. */
export function seededTokens(seed: number, shape: readonly number[], vocabulary: number): Tensor {
  const uniform = initParam(seed, "input", shape, { kind: "he", fanIn: 6 });
  // He's bound √(6 / fanIn) is 1 for fanIn 6: U(−1, 1) mapped onto the ids.
  for (let i = 0; i < uniform.data.length; i++) uniform.data[i] = Math.min(vocabulary - 1, Math.floor(((uniform.data[i]! + 1) / 2) * vocabulary));
  return uniform;
}
