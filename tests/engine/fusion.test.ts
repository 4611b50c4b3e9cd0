import { readFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { analyzeSource } from "../../src/pipeline.js";
import { ComputePool } from "../../src/engine/pool.js";
import { runNetwork } from "../../src/execute/run.js";
import { SafetensorsFile } from "../../src/engine/io/safetensors.js";
import { ResidentWeights, SafetensorsWeights } from "../../src/engine/weights.js";
import { decodeNpy } from "../../src/engine/io/npy.js";
import type { Tensor } from "../../src/engine/tensor.js";
import { root } from "../helpers/netfig.js";

/**
 * A run that shows no layer's own output applies each bn, residual add and ReLU that only
 * a conv feeds to the conv's output in WebAssembly memory, and never stores the layers
 * between. The cnn network (tests/fixtures/engine/networks/generate_networks.py, PyTorch's
 * outputs) has conv1 → bn1 → relu1 (both absorbed), r1 → rbn (bn absorbed; the add's
 * other input, sc, is computed after r1) and sc: proj → res (add of rbn) → act (relu),
 * both absorbed by the proj, which runs when rbn exists.
 */
const dir = `${root}/tests/fixtures/engine/networks`;
const analyzed = analyzeSource(readFileSync(`${dir}/cnn.netfig`, "utf8"), "cnn.netfig").networks[0]!;
const weightsPath = `${dir}/cnn/weights.safetensors`;
const file = new SafetensorsFile(new Uint8Array(readFileSync(weightsPath)), weightsPath);
const weights = new SafetensorsWeights(file);
const npy = (path: string): Tensor => {
  const t = decodeNpy(new Uint8Array(readFileSync(path)));
  return { shape: t.shape.slice(1), data: t.data };
};
const inputs = new Map([["input", npy(`${dir}/cnn/input.npy`)]]);
const pools = [new ComputePool(1), new ComputePool(2, 0)];
afterAll(() => Promise.all(pools.map((p) => p.close())));

/** What each conv call of a run applied after the conv: `bn` (an affine), `add` (a residual), `relu`, some or nothing. */
function recordingPool(pool: ComputePool, calls: string[]): ComputePool {
  return new Proxy(pool, {
    get(target, key, receiver) {
      if (key !== "conv2d") return Reflect.get(target, key, receiver);
      return (...args: Parameters<ComputePool["conv2d"]>) => {
        const epilogue = args[4];
        calls.push([epilogue?.affine && "bn", epilogue?.residual && "add", epilogue?.rectify && "relu"].filter(Boolean).join("+"));
        return target.conv2d(...args);
      };
    },
  });
}

function worstError(actual: Float32Array, expected: Float32Array): number {
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!) / Math.max(1e-3, Math.abs(expected[i]!)));
  return worst;
}

describe("convs absorbing the bn, residual add and ReLU after them", () => {
  it("run conv1 with bn1 and relu1 after it, r1 with rbn, sc with the add of rbn and act, the other convs alone", async () => {
    const calls: string[] = [];
    await runNetwork(analyzed, { weights, pool: recordingPool(pools[0]!, calls), seed: 0, inputs });
    // Plan order: conv1, g, b1, b2c, r1, and proj's 1x1 conv (sc).
    expect(calls).toEqual(["bn+relu", "", "", "", "bn", "add+relu"]);
  });

  it("give the bits of the unfused run, which match PyTorch's output to 1e-4", async () => {
    const fused = await runNetwork(analyzed, { weights, pool: pools[0]!, seed: 0, inputs });
    const unfused = await runNetwork(analyzed, { weights, pool: pools[0]!, seed: 0, inputs, keepAll: true });
    expect([...fused.keys()]).toEqual(["prob"]);
    expect(fused.get("prob")!.data).toEqual(unfused.get("prob")!.data);
    expect(worstError(fused.get("prob")!.data, npy(`${dir}/cnn/outputs/prob.npy`).data)).toBeLessThan(1e-4);
  });

  it("give the same bits on one thread and on two", async () => {
    const [one, two] = await Promise.all(pools.map((pool) => runNetwork(analyzed, { weights, pool, seed: 0, inputs })));
    expect(two.get("prob")!.data).toEqual(one.get("prob")!.data);
  });

  it("take the bn's scale and shift from weights held across runs (ResidentWeights) once for each absorbed bn, not every run, with the same bits", async () => {
    class Counted extends ResidentWeights {
      computed = 0;
      override derived<T>(layer: object, compute: () => T): T {
        return super.derived(layer, () => (this.computed++, compute()));
      }
    }
    const held = new Counted(weights, pools[1]!);
    const runs = [];
    for (let i = 0; i < 3; i++) runs.push((await runNetwork(analyzed, { weights: held, pool: pools[1]!, seed: 0, inputs })).get("prob")!.data);
    // bn1 and rbn, the two absorbed bns.
    expect(held.computed).toBe(2);
    const plain = (await runNetwork(analyzed, { weights, pool: pools[1]!, seed: 0, inputs })).get("prob")!.data;
    for (const run of runs) expect(run).toEqual(plain);
    held.release();
  });

  it("are not used when a layer's own output is read (keepAll, onLayer): conv1 is then PyTorch's conv1", async () => {
    const calls: string[] = [];
    const outputs = await runNetwork(analyzed, { weights, pool: recordingPool(pools[0]!, calls), seed: 0, inputs, keepAll: true });
    await runNetwork(analyzed, { weights, pool: recordingPool(pools[0]!, calls), seed: 0, inputs, onLayer: () => undefined });
    expect(calls.every((c) => c === "")).toBe(true);
    expect(worstError(outputs.get("conv1")!.data, npy(`${dir}/cnn/outputs/conv1.npy`).data)).toBeLessThan(1e-4);
  });
});
