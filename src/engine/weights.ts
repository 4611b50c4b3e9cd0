import type { InitSpec } from "./init.js";
import { initParam } from "./init.js";
import { SafetensorsFile } from "./io/safetensors.js";
import type { ComputePool } from "./pool.js";
import { sameShape, type Tensor } from "./tensor.js";

/**
 * Where a forward pass gets its parameters. Names follow PyTorch's state-dict
 * convention, `<layer id>.<param>`: `conv1.weight`, `conv1.bias`, `bn1.weight`
 * (γ), `bn1.bias` (β), `bn1.running_mean`, `bn1.running_var`, `fc.weight` `[out, in]`.
 */
export interface WeightSource {
  /** The parameter `name` of exactly `shape`; `init` says how to make it when the source initialises. */
  get(name: string, shape: readonly number[], init: InitSpec): Tensor;
  /**
   * A value a run derives from this source's parameters for `layer` (an object that stands
   * for one layer of one analysed network: a bn's scale and shift), kept by a source that
   * holds its parameters across runs: `compute` runs at the first request, the value is
   * returned as is after. Sources without it are asked every run.
   */
  derived?<T>(layer: object, compute: () => T): T;
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

/**
 * Another source's parameters held in a pool's memory: each is copied in at its first
 * `get` and read in place by every call of every run after, as an inference session
 * holds its model's weights; what a run derives from them (a bn's scale and shift) is
 * kept too, as a session folds its constants once. For a network run many times on one
 * pool (a benchmark, a server); a single run reads each weight once and would only keep
 * them all at once. `release` frees them.
 */
export class ResidentWeights implements WeightSource {
  private readonly held = new Map<string, Tensor>();
  private readonly replaced: Tensor[] = [];
  private kept = new WeakMap<object, unknown>();

  constructor(
    private readonly source: WeightSource,
    private readonly pool: ComputePool,
  ) {}

  get(name: string, shape: readonly number[], init: InitSpec): Tensor {
    const had = this.held.get(name);
    if (had && sameShape(had.shape, shape)) return had;
    // Another shape under the same name is another network's parameter: held as well, the older one freed on release.
    if (had) this.replaced.push(had);
    const tensor = this.pool.hold(this.source.get(name, shape, init));
    this.held.set(name, tensor);
    return tensor;
  }

  derived<T>(layer: object, compute: () => T): T {
    if (!this.kept.has(layer)) this.kept.set(layer, compute());
    return this.kept.get(layer) as T;
  }

  release(): void {
    for (const tensor of [...this.held.values(), ...this.replaced]) this.pool.free(tensor);
    this.held.clear();
    this.replaced.length = 0;
    this.kept = new WeakMap();
  }
}
