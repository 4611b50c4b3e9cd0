import { describe, expect, it } from "vitest";
import { seededInput, seededTokens } from "../../src/engine/init.js";
import { chwFromShape } from "../../src/engine/tensor.js";
import { SeededWeights } from "../../src/engine/weights.js";
import { exportOnnx } from "../../src/export/onnx/export.js";
import { analyzeText } from "../helpers/netfig.js";
import { loadOrt } from "./onnxruntime.js";
import { engineOutputs, KINDS, relativeError } from "./onnx-networks.js";

/**
 * Issue 11's layer kinds exported to ONNX and run by onnxruntime give the engine's outputs:
 * crop, maxunpool, LeNet's subsampling, scaled tanh and RBF, a conv with a connection
 * table, the VAE sample (its seeded ε stored in the model), the three distances, an
 * embedding, a conv sharing another's weight, and an fc tied to another's weight transposed.
 */

const ort = loadOrt();
const SEED = 3;
if (!ort) console.warn("onnx-kinds: onnxruntime-node is not installed; skipping. Install it with: cd bench && ONNXRUNTIME_NODE_INSTALL=skip npm install");

describe("issue 11's layer kinds in ONNX", () => {
  it("write one initializer for c3's shared weight", () => {
    const analyzed = analyzeText(KINDS);
    const bytes = exportOnnx(analyzed, { weights: new SeededWeights(SEED) });
    expect(Buffer.from(bytes).includes(Buffer.from("c3.weight"))).toBe(false);
  });

  it.skipIf(!ort)("give the engine's outputs to 1e-4 when onnxruntime runs them", async () => {
    const analyzed = analyzeText(KINDS);
    const session = await ort!.InferenceSession.create(exportOnnx(analyzed, { weights: new SeededWeights(SEED) }));
    const x = seededInput(SEED, chwFromShape([12, 11, 2]));
    const tok = seededTokens(SEED, [6], 10);
    const results = await session.run({
      x: new ort!.Tensor("float32", new Float32Array(x.data), [1, ...x.shape]),
      tok: new ort!.Tensor("float32", new Float32Array(tok.data), [1, 6]),
    });
    const expected = await engineOutputs(analyzed, new SeededWeights(SEED), SEED);
    expect([...expected.keys()].sort()).toEqual(Object.keys(results).sort());
    for (const [id, tensor] of expected) {
      expect(results[id]!.dims, id).toEqual([1, ...tensor.shape]);
      expect(relativeError(results[id]!.data, tensor.data), id).toBeLessThan(1e-4);
    }
  }, 60_000);
});
