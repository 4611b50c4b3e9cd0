import { readdirSync, readFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { analyze } from "../../src/analyze/analyze.js";
import { ComputePool } from "../../src/engine/pool.js";
import { runNetwork } from "../../src/execute/run.js";
import { decodeNpy } from "../../src/engine/io/npy.js";
import { SeededWeights } from "../../src/engine/weights.js";
import { importOnnx } from "../../src/import/onnx/import.js";
import { OnnxWeights } from "../../src/import/onnx/weights.js";
import { root } from "../helpers/netfig.js";

/**
 * An ONNX model with real weights runs on the engine with its own initializers, and
 * every layer that is a PyTorch module matches PyTorch's output
 * (tests/fixtures/onnx/generate_activations.py).
 */
const dir = `${root}/tests/fixtures/onnx`;
const pool = new ComputePool(1);
afterAll(() => pool.close());

describe("zoo.onnx on the engine", () => {
  it("matches PyTorch's per-layer activations to 1e-4", async () => {
    const file = `${dir}/zoo.onnx`;
    const model = importOnnx(new Uint8Array(readFileSync(file)), file);
    const network = analyze(model.graph).networks[0]!;
    const weights = new OnnxWeights(model, new SeededWeights(1), file);
    expect(weights.hasData).toBe(true);
    const load = (name: string) => {
      const t = decodeNpy(new Uint8Array(readFileSync(`${dir}/zoo-activations/${name}.npy`)));
      return { shape: t.shape.slice(1), data: t.data };
    };
    const outputs = await runNetwork(network, { weights, pool, seed: 1, inputs: new Map([["input", load("input")]]), keepAll: true });
    const recorded = readdirSync(`${dir}/zoo-activations`).map((f) => f.replace(/\.npy$/, "")).filter((id) => id !== "input");
    // PyTorch exports an eval-mode Dropout as nothing at all, so it has no layer here.
    expect(recorded.filter((id) => !outputs.has(id))).toEqual(["dropout"]);
    const compared = recorded.filter((id) => outputs.has(id));
    expect(compared.length).toBe(22);
    for (const id of compared) {
      const expected = load(id);
      const actual = outputs.get(id);
      expect(actual, id).toBeDefined();
      expect(actual!.shape, id).toEqual(expected.shape);
      expected.data.forEach((e, i) => expect(Math.abs(actual!.data[i]! - e), id).toBeLessThanOrEqual(1e-4 * Math.max(1e-3, Math.abs(e))));
    }
  });
});
