import type { InitSpec } from "../../engine/init.js";
import { numel, sameShape, sharedFloat32, type Tensor } from "../../engine/tensor.js";
import type { WeightSource } from "../../engine/weights.js";
import { WHOLE_LAYER, type LayerWeights } from "./context.js";
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

  /** The initializer behind a parameter name: the layer's own (`class_token`), or `<layer>.<role>` where the role may hold dots (`out_proj.weight`). */
  private entryOf(name: string): LayerWeights[string] | undefined {
    const whole = this.model.weights.get(name)?.[WHOLE_LAYER];
    if (whole) return whole;
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
    const initializer = entry ? this.model.initializers.get(entry.tensor) : undefined;
    const data = initializer ? floatData(initializer) : undefined;
    if (!entry || !initializer || !data) return this.fallback.get(name, shape, init);
    const dims = entry.perm ? entry.perm.map((axis) => initializer.dims[axis]!) : initializer.dims;
    // A parameter may be stored as a broadcastable view of itself: [C, 1, 1] for a per-map [C] (LeNet's subsampling).
    const squeezed = (d: readonly number[]) => d.filter((n) => n !== 1).join();
    if (!sameShape(dims, shape) && !(numel(dims) === numel(shape) && (dims.length < shape.length || squeezed(dims) === squeezed(shape)))) {
      throw new Error(`${this.source}: initializer '${entry.tensor}' for ${name} has shape [${dims.join(", ")}], the layer needs [${shape.join(", ")}]`);
    }
    const copy = sharedFloat32(data.length);
    if (entry.perm) {
      const [rows, cols] = initializer.dims as [number, number];
      for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) copy[c * rows + r] = data[r * cols + c]!;
    } else {
      copy.set(data);
    }
    const tensor = { shape: [...shape], data: copy };
    this.cache.set(name, tensor);
    return tensor;
  }
}
