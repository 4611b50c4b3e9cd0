import type { InitSpec } from "../../engine/init.js";
import { numel, sameShape, sharedFloat32, type Tensor } from "../../engine/tensor.js";
import type { WeightSource } from "../../engine/weights.js";
import type { LayerWeights } from "./context.js";
import { floatData } from "./decode.js";
import type { OnnxImport } from "./import.js";

/**
 * The parameters of an imported model, from its initializers, under the PyTorch names
 * the ops ask for (`<layer>.weight`, `<layer>.running_mean`, …). Each tensor is copied
 * once, into shared memory the worker threads read in place; MatMul weights, stored
 * `[in, out]`, are transposed to `[out, in]` in that copy. Parameters the file does not
 * hold (a graph-only export) come from `fallback`.
 */
export class OnnxWeights implements WeightSource {
  private readonly cache = new Map<string, Tensor>();

  constructor(
    private readonly model: OnnxImport,
    private readonly fallback: WeightSource,
    private readonly source: string,
  ) {}

  /** Whether any parameter has its numbers in the file (graph-only exports have none). */
  get hasData(): boolean {
    for (const roles of this.model.weights.values()) {
      for (const { tensor } of Object.values(roles)) {
        const initializer = this.model.initializers.get(tensor);
        if (initializer && floatData(initializer)) return true;
      }
    }
    return false;
  }

  /** The initializer behind a parameter name `<layer>.<role>`, where the role may hold dots (`out_proj.weight`). */
  private entryOf(name: string): LayerWeights[string] | undefined {
    for (let dot = name.lastIndexOf("."); dot > 0; dot = name.lastIndexOf(".", dot - 1)) {
      const entry = this.model.weights.get(name.slice(0, dot))?.[name.slice(dot + 1)];
      if (entry) return entry;
    }
    return undefined;
  }

  get(name: string, shape: readonly number[], init: InitSpec): Tensor {
    const cached = this.cache.get(name);
    if (cached) return cached;
    const entry = this.entryOf(name);
    const parts = entry ? (entry.parts ?? [entry]).map((part) => ({ ...part, initializer: this.model.initializers.get(part.tensor) })) : [];
    const stored = parts.map((part) => (part.initializer ? floatData(part.initializer) : undefined));
    if (!entry || stored.some((data) => data === undefined)) return this.fallback.get(name, shape, init);
    if (entry.segments) return this.remember(name, shape, gathered(stored[0]!, entry.segments, shape, `${this.source}: initializer '${entry.tensor}' for ${name}`));
    const partDims = parts.map(({ perm, initializer }) => (perm ? perm.map((axis) => initializer!.dims[axis]!) : initializer!.dims));
    // Parts stack along the first axis: Q, K and V rows make in_proj_weight.
    const dims = partDims.length === 1 ? partDims[0]! : [partDims.reduce((sum, d) => sum + d[0]!, 0), ...partDims[0]!.slice(1)];
    const names = parts.map((p) => `'${p.tensor}'`).join(" + ");
    if (partDims.some((d) => d.slice(1).join() !== dims.slice(1).join())) throw new Error(`${this.source}: initializers ${names} for ${name} do not stack: [${partDims.map((d) => d.join(", ")).join("], [")}]`);
    // A parameter may be stored as a broadcastable view of itself: [C, 1, 1] for a per-map [C] (LeNet's subsampling).
    const squeezed = (d: readonly number[]) => d.filter((n) => n !== 1).join();
    if (!sameShape(dims, shape) && !(numel(dims) === numel(shape) && (dims.length < shape.length || squeezed(dims) === squeezed(shape)))) {
      throw new Error(`${this.source}: initializer ${names} for ${name} has shape [${dims.join(", ")}], the layer needs [${shape.join(", ")}]`);
    }
    const copy = sharedFloat32(numel(dims));
    let offset = 0;
    parts.forEach(({ perm, initializer }, i) => {
      const data = stored[i]!;
      if (perm) {
        const [rows, cols] = initializer!.dims as [number, number];
        for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) copy[offset + c * rows + r] = data[r * cols + c]!;
      } else {
        copy.set(data, offset);
      }
      offset += data.length;
    });
    return this.remember(name, shape, copy);
  }

  private remember(name: string, shape: readonly number[], data: Float32Array): Tensor {
    const tensor = { shape: [...shape], data };
    this.cache.set(name, tensor);
    return tensor;
  }
}

/** The runs `[offset, length]` of `data` one after another, in shared memory; they must fill `shape`. */
function gathered(data: Float32Array, segments: readonly [number, number][], shape: readonly number[], what: string): Float32Array {
  const total = segments.reduce((sum, [offset, length]) => (offset + length <= data.length ? sum + length : Number.NaN), 0);
  if (total !== numel(shape)) throw new Error(`${what} holds ${data.length} values, not the parts of [${shape.join(", ")}] the layer reads from it`);
  const copy = sharedFloat32(total);
  let at = 0;
  for (const [offset, length] of segments) {
    copy.set(data.subarray(offset, offset + length), at);
    at += length;
  }
  return copy;
}
