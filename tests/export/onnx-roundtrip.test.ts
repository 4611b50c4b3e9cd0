import { describe, expect, it } from "vitest";
import { seededInput } from "../../src/engine/init.js";
import { chwFromShape } from "../../src/engine/tensor.js";
import { SeededWeights } from "../../src/engine/weights.js";
import { exportOnnx } from "../../src/export/onnx/export.js";
import { loadOrt } from "./onnxruntime.js";
import { engineOutputs, network, relativeError } from "./onnx-networks.js";

/**
 * Exported networks run by onnxruntime equal the engine's run with the same seed. The
 * runtime lives in the separate bench/ package (not a product dependency); without it
 * these tests are skipped and say how to install it.
 */

const ort = loadOrt();
const absent = ort ? "" : " (skipped: onnxruntime-node is not installed; run `cd bench && ONNXRUNTIME_NODE_INSTALL=skip npm install`)";
const SEED = 1;
if (!ort) console.warn(`onnx-roundtrip: onnxruntime-node is not installed; skipping the comparison with onnxruntime. Install it with: cd bench && ONNXRUNTIME_NODE_INSTALL=skip npm install`);

describe("ONNX export run by onnxruntime", () => {
  it.skipIf(!ort).each(["lenet5", "alexnet", "resnet18", "inception-naive", "vgg16", "zoo"])(`%s gives the engine's outputs to 1e-4${absent}`, async (name) => {
    const analyzed = network(name);
    const session = await ort!.InferenceSession.create(exportOnnx(analyzed, { weights: new SeededWeights(SEED) }));
    const input = analyzed.layers[0]!;
    const x = seededInput(SEED, chwFromShape(input.shape));
    // onnxruntime-node rejects views of SharedArrayBuffers: hand it a plain copy.
    const results = await session.run({ [input.node.id]: new ort!.Tensor("float32", new Float32Array(x.data), [1, ...x.shape]) });
    const expected = await engineOutputs(analyzed, new SeededWeights(SEED), SEED);
    expect([...expected.keys()].sort()).toEqual(Object.keys(results).sort());
    for (const [id, tensor] of expected) {
      expect(results[id]!.dims, id).toEqual([1, ...tensor.shape]);
      expect(relativeError(results[id]!.data, tensor.data), id).toBeLessThan(1e-4);
    }
  }, 180_000);
});
