import type { AnalyzedNetwork } from "../analyze/types.js";
import type { InitSpec } from "../engine/init.js";
import { chwFromShape, numel, sharedFloat32, type Tensor } from "../engine/tensor.js";
import type { WeightSource } from "../engine/weights.js";
import { literalFits } from "../graph/literal.js";
import { formatShape } from "../ops/shape.js";
import type { AttrValue, Attrs } from "../graph/types.js";

/** A literal attribute and its written shape, or undefined when the layer has none. */
function literalOf(attrs: Attrs, key: "values" | "weights"): { data: number[]; shape: number[] } | undefined {
  const data: AttrValue | undefined = attrs[key];
  const shape: AttrValue | undefined = attrs[`${key}Shape`];
  return Array.isArray(data) && Array.isArray(shape) ? { data, shape } : undefined;
}

function tensorOf(data: readonly number[], shape: readonly number[]): Tensor {
  const out = sharedFloat32(numel(shape));
  out.set(data);
  return { shape: [...shape], data: out };
}

/**
 * The weights written in the file (`conv 1 3x3 weights=[[1, 0, -1], …]`) served under
 * their state-dict names (`<layer>.weight`); every other parameter comes from `fallback`
 * (a seeded source gives biases of zero, so a literal filter computes exactly what it says).
 */
export class LiteralWeights implements WeightSource {
  private readonly literals = new Map<string, { data: number[]; shape: number[] }>();

  constructor(
    network: AnalyzedNetwork,
    private readonly fallback: WeightSource,
  ) {
    for (const { node } of network.layers) {
      const literal = literalOf(node.attrs, "weights");
      if (literal) this.literals.set(`${node.id}.weight`, literal);
    }
  }

  get(name: string, shape: readonly number[], init: InitSpec): Tensor {
    const literal = this.literals.get(name);
    if (!literal) return this.fallback.get(name, shape, init);
    if (!literalFits(literal.shape, shape)) {
      throw new Error(`weights= is ${formatShape(literal.shape)}, the layer's weight is ${formatShape(shape)}`);
    }
    return tensorOf(literal.data, shape);
  }
}

/** The inputs whose data the file gives (`input 6x6x1 values=[…]`), by layer id, as `runNetwork` takes them. */
export function literalInputs(network: AnalyzedNetwork): Map<string, Tensor> {
  const inputs = new Map<string, Tensor>();
  for (const layer of network.layers) {
    const literal = literalOf(layer.node.attrs, "values");
    if (literal) inputs.set(layer.node.id, tensorOf(literal.data, chwFromShape(layer.shape)));
  }
  return inputs;
}
