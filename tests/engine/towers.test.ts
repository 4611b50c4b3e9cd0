import { afterAll, describe, expect, it } from "vitest";
import { analyzeSource } from "../../src/pipeline.js";
import { ComputePool } from "../../src/engine/pool.js";
import { runNetwork } from "../../src/execute/run.js";
import { concat } from "../../src/engine/kernels/shape.js";
import { seededInput } from "../../src/engine/init.js";
import { SeededWeights, type WeightSource } from "../../src/engine/weights.js";
import type { InitSpec } from "../../src/engine/init.js";
import type { Tensor } from "../../src/engine/tensor.js";

const pool = new ComputePool(1);
afterAll(() => pool.close());

/**
 * Serves a towers network the weights of its groups=2 twin: lane t of `conv2/t+1`
 * gets filters [t·M/2, (t+1)·M/2) of `conv2` — which is what Caffe's `group: 2` means.
 */
class LaneWeights implements WeightSource {
  constructor(private readonly grouped: WeightSource, private readonly shapes: Map<string, number[]>) {}
  get(name: string, shape: readonly number[], init: InitSpec): Tensor {
    const match = /^(.*)\/(\d+)\.(weight|bias)$/.exec(name);
    if (!match) return this.grouped.get(name, shape, init);
    const [, base, lane, param] = match;
    const full = this.grouped.get(`${base}.${param}`, this.shapes.get(`${base}.${param}`)!, init);
    const rows = shape[0]!;
    const size = full.data.length / full.shape[0]!;
    const start = (Number(lane) - 1) * rows * size;
    return { shape: [...shape], data: full.data.slice(start, start + rows * size) };
  }
}

// A miniature of Caffe's AlexNet: conv1 reads the whole input, LRN runs across all
// channels, conv2 is grouped, conv3 reads both towers.
const towers = `input 12x12x3
towers 2 {
  conv1: conv 8 3x3 -> relu -> norm1: lrn 5 alpha=0.1 beta=0.75 k=1
  conv2: conv 8 3x3 pad=1
  conv3: conv 4 3x3 cross
}
`;
const groups = `input 12x12x3
conv1: conv 8 3x3 -> relu -> norm1: lrn 5 alpha=0.1 beta=0.75 k=1
conv2: conv 8 3x3 pad=1 groups=2
conv3: conv 4 3x3
`;

describe("towers compute exactly what Caffe's group: 2 computes", () => {
  it("lane by lane, LRN included, given the same weights", async () => {
    const seeded = new SeededWeights(5);
    const input = seededInput(9, [3, 12, 12]);
    const shapes = new Map([
      ["conv1.weight", [8, 3, 3, 3]], ["conv1.bias", [8]],
      ["conv2.weight", [8, 4, 3, 3]], ["conv2.bias", [8]],
      ["conv3.weight", [4, 8, 3, 3]], ["conv3.bias", [4]],
    ]);
    const run = (text: string, weights: WeightSource) =>
      runNetwork(analyzeSource(text, "t.netfig").networks[0]!, { weights, pool, seed: 1, inputs: new Map([["input", input]]), keepAll: true });
    const grouped = await run(groups, seeded);
    const laned = await run(towers, new LaneWeights(seeded, shapes));
    for (const layer of ["norm1", "conv2", "conv3"]) {
      const joined = concat([laned.get(`${layer}/1`)!, laned.get(`${layer}/2`)!]);
      expect(joined.shape, layer).toEqual(grouped.get(layer)!.shape);
      joined.data.forEach((v, i) => expect(Math.abs(v - grouped.get(layer)!.data[i]!), layer).toBeLessThan(1e-5));
    }
  });
});
