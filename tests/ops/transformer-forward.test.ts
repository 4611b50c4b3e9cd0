import { readFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { ComputePool } from "../../src/engine/pool.js";
import { sameShape, type Tensor } from "../../src/engine/tensor.js";
import { SeededWeights, type WeightSource } from "../../src/engine/weights.js";
import { runNetwork } from "../../src/execute/run.js";
import { NetfigError } from "../../src/lang/diagnostics.js";
import { analyzeText, root } from "../helpers/netfig.js";

/**
 * The forward pass of each Transformer layer kind of issue 15 against PyTorch's output for
 * the same input and parameters (tests/fixtures/torch/transformer_ops.py, torch 1.13: each
 * case the layer written in netfig, its module's state dict under the layer's names, and
 * the module's output): every value within 1e-4, relative to the larger of 1e-3 and its size.
 */
interface Fixed {
  shape: number[];
  data: number[];
}
interface Case {
  netfig: string;
  inputs: Record<string, Fixed>;
  weights: Record<string, Fixed>;
  output: Fixed;
  /** Attention only: each head's weights `[H, T, S]`. */
  attention?: Fixed;
}
const fixtures: Record<string, Case[]> = JSON.parse(readFileSync(`${root}/tests/fixtures/torch/transformer_ops.json`, "utf8")).forward;
const tensorOf = (t: Fixed): Tensor => ({ shape: [...t.shape], data: Float32Array.from(t.data) });

/** Parameters by state-dict name, as PyTorch had them; any other name or shape is a bug in the layer. */
class FixtureWeights implements WeightSource {
  readonly read = new Set<string>();
  constructor(private readonly tensors: Record<string, Fixed>) {}
  get(name: string, shape: readonly number[]): Tensor {
    const t = this.tensors[name];
    if (!t) throw new Error(`the fixture has no ${name}`);
    if (!sameShape(t.shape, shape)) throw new Error(`${name}: the fixture is [${t.shape}], the layer asks for [${shape}]`);
    this.read.add(name);
    return tensorOf(t);
  }
}

const pool = new ComputePool(1);
afterAll(() => pool.close());

function worstError(actual: Tensor, expected: Fixed): number {
  expect(actual.shape).toEqual(expected.shape);
  return expected.data.reduce((worst, e, i) => Math.max(worst, Math.abs(actual.data[i]! - e) / Math.max(1e-3, Math.abs(e))), 0);
}

async function run(c: Case, weights: WeightSource = new FixtureWeights(c.weights)): Promise<Tensor> {
  const inputs = new Map(Object.entries(c.inputs).map(([id, t]) => [id, tensorOf(t)]));
  const outputs = await runNetwork(analyzeText(c.netfig), { weights, pool, inputs, seed: 0, keepAll: true });
  return outputs.get("layer")!;
}

const cases = Object.entries(fixtures).flatMap(([kind, list]) => list.map((c) => [kind, c.netfig.split("\n").at(-1)!.replace("layer: ", ""), c] as const));

describe("PyTorch's forward for each Transformer kind", () => {
  it.each(cases)("%s: %s gives PyTorch's output, reading every parameter PyTorch has", async (_kind, _written, c) => {
    const weights = new FixtureWeights(c.weights);
    expect(worstError(await run(c, weights), c.output)).toBeLessThan(1e-4);
    expect([...weights.read].sort()).toEqual(Object.keys(c.weights).sort());
  });

  it("covers every new kind", () => {
    expect(Object.keys(fixtures).sort()).toEqual(["attention", "clstoken", "gelu", "layernorm", "patchembed", "posembed", "token"]);
  });
});

describe("the attention weights a figure shows", () => {
  it.each(fixtures.attention!.map((c) => [c.netfig.split("\n").at(-1)!.replace("layer: ", ""), c] as const))("%s hands on each head's weights as PyTorch computes them, from the same run", async (_written, c) => {
    const kept: [string, string, Tensor][] = [];
    const inputs = new Map(Object.entries(c.inputs).map(([id, t]) => [id, tensorOf(t)]));
    const outputs = await runNetwork(analyzeText(c.netfig), {
      weights: new FixtureWeights(c.weights),
      pool,
      inputs,
      seed: 0,
      onIntermediate: (layer, name, tensor) => kept.push([layer.node.id, name, tensor]),
    });
    expect(kept.map(([id, name]) => [id, name])).toEqual([["layer", "attention"]]);
    expect(worstError(kept[0]![2], c.attention!)).toBeLessThan(1e-4);
    expect(worstError(outputs.get("layer")!, c.output)).toBeLessThan(1e-4);
  });
});

describe("a sequence too long to attend over", () => {
  it("is refused at the layer before anything is allocated, saying how many weights it would hold", async () => {
    const network = analyzeText("input 70000x8\nlayer: attention heads=1");
    const error = await runNetwork(network, { weights: new SeededWeights(1), pool, seed: 1 }).catch((e: unknown) => e);
    expect((error as NetfigError).diagnostics[0]!.message).toBe("attention layer: its 70000 queries and 70000 keys make 4900000000 attention weights per head, more than the 268435456 a run holds");
  });

  it("counts every head's weights when a figure keeps them", async () => {
    const network = analyzeText("input 9000x8\nlayer: attention heads=8");
    const error = await runNetwork(network, { weights: new SeededWeights(1), pool, seed: 1, onIntermediate: () => undefined }).catch((e: unknown) => e);
    expect((error as NetfigError).diagnostics[0]!.hint).toBe("draw it without --activations, which keeps every head's weights, or run a shorter sequence");
  });
});

describe("seeded parameters", () => {
  it("a class token starts at zero and learned positions at torchvision's N(0, 0.02²) spread, so seeded runs keep the patches' scale", async () => {
    const weights = new SeededWeights(3);
    const text = "x: input 4x8\ncls: clstoken\npos: posembed";
    const outputs = await runNetwork(analyzeText(text), { weights, pool, seed: 3, keepAll: true });
    expect(Array.from(outputs.get("cls")!.data.subarray(0, 8))).toEqual(new Array(8).fill(0));
    const table = weights.get("pos.weight", [1, 5, 8], { kind: "he", fanIn: 5000 }).data;
    expect(Math.max(...table.map(Math.abs))).toBeLessThanOrEqual(0.02 * Math.sqrt(3));
    expect(Math.max(...table.map(Math.abs))).toBeGreaterThan(0.02);
  });
});
