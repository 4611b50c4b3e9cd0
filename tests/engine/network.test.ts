import { readFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { analyzeSource } from "../../src/pipeline.js";
import { ComputePool } from "../../src/engine/pool.js";
import { runNetwork } from "../../src/execute/run.js";
import { SafetensorsFile } from "../../src/engine/io/safetensors.js";
import { SafetensorsWeights } from "../../src/engine/weights.js";
import { decodeNpy } from "../../src/engine/io/npy.js";
import type { Tensor } from "../../src/engine/tensor.js";
import { NetfigError } from "../../src/lang/diagnostics.js";
import { root } from "../helpers/netfig.js";

/**
 * Whole networks run through the ops' forward functions against PyTorch's per-layer
 * outputs (tests/fixtures/engine/networks/generate_networks.py, same weights).
 */
const dir = `${root}/tests/fixtures/engine/networks`;
const pool = new ComputePool(1);
afterAll(() => pool.close());

function withoutBatch(t: Tensor): Tensor {
  return { shape: t.shape.slice(1), data: t.data };
}

/** Largest |a - b| relative to max(1e-3, |b|): 1e-4 relative, or absolute near zero. */
function worstError(actual: Float32Array, expected: Float32Array): number {
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i]!;
    worst = Math.max(worst, Math.abs(actual[i]! - e) / Math.max(1e-3, Math.abs(e)));
  }
  return worst;
}

async function run(name: string) {
  const analyzed = analyzeSource(readFileSync(`${dir}/${name}.netfig`, "utf8"), `${name}.netfig`).networks[0]!;
  const weightsPath = `${dir}/${name}/weights.safetensors`;
  const weights = new SafetensorsWeights(new SafetensorsFile(new Uint8Array(readFileSync(weightsPath)), weightsPath));
  const inputId = analyzed.layers[0]!.node.id;
  const input = withoutBatch(decodeNpy(new Uint8Array(readFileSync(`${dir}/${name}/input.npy`))));
  const outputs = await runNetwork(analyzed, { weights, pool, seed: 0, inputs: new Map([[inputId, input]]), keepAll: true });
  return { analyzed, outputs };
}

describe.each(["cnn", "dcgan", "edge"])("the %s network", (name) => {
  it("matches PyTorch at every layer to 1e-4", async () => {
    const { analyzed, outputs } = await run(name);
    for (const { node } of analyzed.layers) {
      const expected = withoutBatch(decodeNpy(new Uint8Array(readFileSync(`${dir}/${name}/outputs/${node.id}.npy`))));
      const actual = outputs.get(node.id)!;
      expect(actual.shape, node.id).toEqual(expected.shape);
      expect(worstError(actual.data, expected.data), node.id).toBeLessThan(1e-4);
    }
  });
});

describe("the 6x6 edge-detection example", () => {
  it("gives -5 first: PyTorch's cross-correlation does not flip the kernel", async () => {
    const { outputs } = await run("edge");
    const edges = outputs.get("edges")!;
    expect(edges.shape).toEqual([1, 4, 4]);
    expect(Array.from(edges.data.subarray(0, 4))).toEqual([-5, -4, 0, 8]);
  });
});

describe("running a network", () => {
  it("names the layer and the tensor when a weights file lacks one", async () => {
    const analyzed = analyzeSource("input 6x6x1\nedges: conv 2 3x3\n", "t.netfig").networks[0]!;
    const weightsPath = `${dir}/edge/weights.safetensors`;
    const weights = new SafetensorsWeights(new SafetensorsFile(new Uint8Array(readFileSync(weightsPath)), weightsPath));
    const error = await runNetwork(analyzed, { weights, pool, seed: 0 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetfigError);
    expect((error as NetfigError).diagnostics[0]!.message).toMatch(/^conv edges: .*tensor 'edges.weight' has shape \[1, 1, 3, 3\], the layer needs \[2, 1, 3, 3\]/);
  });

  it("says a layer known only by name is not executable instead of computing something wrong", async () => {
    const analyzed = analyzeSource("input 5x8\nopaque type=Einsum shape=5x8\n", "t.netfig").networks[0]!;
    const { SeededWeights } = await import("../../src/engine/weights.js");
    const error = await runNetwork(analyzed, { weights: new SeededWeights(1), pool, seed: 1 }).catch((e: unknown) => e);
    expect((error as NetfigError).diagnostics[0]!.message).toBe("opaque opaque_1 is not executable yet: the engine has no opaque kernel");
  });
});
