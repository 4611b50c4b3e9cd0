import { afterAll, describe, expect, it } from "vitest";
import { analyzeSource } from "../../src/pipeline.js";
import { ComputePool } from "../../src/engine/pool.js";
import type { WasmKernels } from "../../src/engine/kernels/wasm.js";
import { SeededWeights } from "../../src/engine/weights.js";
import { runNetwork } from "../../src/execute/run.js";

/**
 * A run keeps its activations in the pool's WebAssembly memory and frees each after its
 * last reader. Twelve 3x3 convs on 64x64x32 (each output 512 KiB, 6 MiB together; the
 * convs absorb their ReLUs): the memory needs room for about two activations and one
 * conv's weights and scratch at a time, never for all twelve.
 */
const layers = Array.from({ length: 12 }, (_, i) => `c${i + 1}: conv 32 3x3 pad=1 -> relu`).join("\n");
const network = analyzeSource(`input 64x64x32\n${layers}\n`, "deep.netfig").networks[0]!;
const weights = new SeededWeights(4);
const pools = [new ComputePool(1), new ComputePool(2, 0)];
afterAll(() => Promise.all(pools.map((p) => p.close())));
const memoryBytes = (pool: ComputePool) => (pool as unknown as { kernels: WasmKernels }).kernels.memory.buffer.byteLength;

// Several runs of twelve convs each: on a loaded machine that outlasts vitest's default 5 s.
describe("a run's activations in the pool's memory", { timeout: 60_000 }, () => {
  it("are freed after their last reader: the memory stays far below the run's 6 MiB of outputs", async () => {
    for (const pool of pools) {
      const outputs = await runNetwork(network, { weights, pool, seed: 0 });
      expect([...outputs.keys()]).toEqual(["relu_12"]);
      expect(memoryBytes(pool)).toBeLessThan(4.5 * 2 ** 20);
    }
  });

  it("leave as plain copies, the bits of a run that copies every layer out, on one thread and on two", async () => {
    const all = await runNetwork(network, { weights, pool: pools[0]!, seed: 0, keepAll: true });
    const last = all.get("relu_12")!;
    expect(last.data.buffer).not.toBeInstanceOf(SharedArrayBuffer);
    for (const pool of pools) expect((await runNetwork(network, { weights, pool, seed: 0 })).get("relu_12")!.data).toEqual(last.data);
  });

  it("of two runs started together on one pool do not free each other's tensors", async () => {
    const alone = (await runNetwork(network, { weights, pool: pools[1]!, seed: 0 })).get("relu_12")!.data;
    const [a, b] = await Promise.all([1, 2].map(() => runNetwork(network, { weights, pool: pools[1]!, seed: 0 })));
    expect(a!.get("relu_12")!.data).toEqual(alone);
    expect(b!.get("relu_12")!.data).toEqual(alone);
  });
});
