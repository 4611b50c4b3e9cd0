import { existsSync, readFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { analyzeSource } from "../../src/pipeline.js";
import { ComputePool } from "../../src/engine/pool.js";
import { runNetwork } from "../../src/execute/run.js";
import { SafetensorsFile } from "../../src/engine/io/safetensors.js";
import { SafetensorsWeights } from "../../src/engine/weights.js";
import { decodeNpy } from "../../src/engine/io/npy.js";
import type { Tensor } from "../../src/engine/tensor.js";
import { summarize } from "../../src/analyze/summary.js";
import { root } from "../helpers/netfig.js";

/**
 * Two small Transformers run by the engine against PyTorch's per-layer outputs with the same
 * fixed weights (tests/fixtures/torch/transformer_networks.py): torchvision's
 * VisionTransformer (32×32 image, 8×8 patches, D 64, 4 heads, 2 layers, MLP 128) and
 * nn.Transformer (D 32, 4 heads, 2 + 2 layers, causal decoder self-attention, cross-attention
 * to the encoder); and a tiny language model whose output head is tied to its token embedding
 * (`head.weight = wte.weight`: one tensor, read by both). Their state dicts load under the
 * layers' names, as a user's `--weights` would.
 */
const dir = `${root}/tests/fixtures/torch/transformer`;
const pool = new ComputePool(1);
afterAll(() => pool.close());

const npy = (path: string): Tensor => {
  const t = decodeNpy(new Uint8Array(readFileSync(path)));
  return { shape: t.shape.slice(1), data: t.data };
};

/**
 * Largest |a − b| relative to max(1, |b|): within 1e-4 absolutely for values up to 1, relatively
 * above. (A residual sum near zero of two terms near 3 cannot be closer than float32 keeps the terms.)
 */
function worstError(actual: Float32Array, expected: Float32Array): number {
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!) / Math.max(1, Math.abs(expected[i]!)));
  return worst;
}

/** A weights file that remembers which tensors a run read. */
class ReadWeights extends SafetensorsWeights {
  readonly read = new Set<string>();
  override get(name: string, shape: readonly number[]): Tensor {
    this.read.add(name);
    return super.get(name, shape);
  }
}

async function run(name: string, inputs: string[]) {
  const source = analyzeSource(readFileSync(`${dir}/${name}.netfig`, "utf8"), `${name}.netfig`);
  const analyzed = source.networks[0]!;
  const weightsPath = `${dir}/${name}/weights.safetensors`;
  const file = new SafetensorsFile(new Uint8Array(readFileSync(weightsPath)), weightsPath);
  const weights = new ReadWeights(file);
  const given = new Map(inputs.map((id) => [id, npy(`${dir}/${name}/${id}.npy`)]));
  const outputs = await runNetwork(analyzed, { weights, pool, seed: 0, inputs: given, keepAll: true });
  return { analyzed, outputs, params: summarize(source).networks[0]!.totals.params, read: [...weights.read].sort(), stored: [...file.entries.keys()].sort() };
}

describe.each([
  ["vit", ["image"]],
  ["encoder-decoder", ["src", "tgt"]],
  ["tied-head", ["tokens"]],
] as const)("the small %s", (name, inputs) => {
  it("matches PyTorch at every layer to 1e-4, reading exactly the tensors of its state dict", async () => {
    const { analyzed, outputs, read, stored } = await run(name, [...inputs]);
    expect(read).toEqual(stored);
    const compared: string[] = [];
    for (const { node } of analyzed.layers) {
      const path = `${dir}/${name}/outputs/${node.id}.npy`;
      if ((inputs as readonly string[]).includes(node.id)) continue;
      expect(existsSync(path), `PyTorch's trace has ${node.id}`).toBe(true);
      const expected = npy(path);
      expect(outputs.get(node.id)!.shape, node.id).toEqual(expected.shape);
      expect(worstError(outputs.get(node.id)!.data, expected.data), node.id).toBeLessThan(1e-4);
      compared.push(node.id);
    }
    expect(compared.length).toBe(analyzed.layers.length - inputs.length);
  });

  it("has PyTorch's parameter count", async () => {
    const torch = JSON.parse(readFileSync(`${dir}/${name}/params.json`, "utf8"));
    expect((await run(name, [...inputs])).params).toBe(torch.params);
  });
});
