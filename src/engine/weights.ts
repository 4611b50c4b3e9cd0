import type { InitSpec } from "./init.js";
import { initParam } from "./init.js";
import { SafetensorsFile } from "./io/safetensors.js";
import { sameShape, type Tensor } from "./tensor.js";

/**
 * Where a forward pass gets its parameters. Names follow PyTorch's state-dict
 * convention, `<layer id>.<param>`: `conv1.weight`, `conv1.bias`, `bn1.weight`
 * (γ), `bn1.bias` (β), `bn1.running_mean`, `bn1.running_var`, `fc.weight` `[out, in]`.
 */
export interface WeightSource {
  /** The parameter `name` of exactly `shape`; `init` says how to make it when the source initialises. */
  get(name: string, shape: readonly number[], init: InitSpec): Tensor;
}

/** Seeded initialisation (`--seed`): every parameter from `initParam`, reproducible across machines. */
export class SeededWeights implements WeightSource {
  constructor(readonly seed: number) {}
  get(name: string, shape: readonly number[], init: InitSpec): Tensor {
    return initParam(this.seed, name, shape, init);
  }
}

/**
 * Parameters from a `.safetensors` file (`--weights`), looked up by name. A missing
 * or mis-shaped tensor is an error naming the tensor, both shapes and the file, and
 * listing similarly named tensors, so a renamed layer is quick to spot.
 */
export class SafetensorsWeights implements WeightSource {
  constructor(readonly file: SafetensorsFile) {}

  get(name: string, shape: readonly number[]): Tensor {
    const entry = this.file.entries.get(name);
    if (!entry) {
      const layer = name.slice(0, name.lastIndexOf("."));
      const near = [...this.file.entries.keys()].filter((k) => k.startsWith(`${layer}.`) || k.endsWith(name.slice(name.lastIndexOf(".")))).slice(0, 5);
      throw new Error(
        `${this.file.source}: no tensor '${name}' (shape [${shape.join(", ")}])` + (near.length ? `; similar: ${near.join(", ")}` : ""),
      );
    }
    if (!sameShape(entry.shape, shape)) {
      throw new Error(`${this.file.source}: tensor '${name}' has shape [${entry.shape.join(", ")}], the layer needs [${shape.join(", ")}]`);
    }
    return this.file.get(name);
  }
}
