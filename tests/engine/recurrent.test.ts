import { readFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { SafetensorsFile } from "../../src/engine/io/safetensors.js";
import { ComputePool } from "../../src/engine/pool.js";
import type { InitSpec } from "../../src/engine/init.js";
import type { Tensor } from "../../src/engine/tensor.js";
import { SafetensorsWeights, SeededWeights } from "../../src/engine/weights.js";
import { runNetwork } from "../../src/execute/run.js";
import { NetfigError } from "../../src/lang/diagnostics.js";
import { analyzeSource } from "../../src/pipeline.js";
import { summarize } from "../../src/analyze/summary.js";
import { analyzeText, root } from "../helpers/netfig.js";

/**
 * rnn, lstm and gru against PyTorch's nn.RNN, nn.LSTM and nn.GRU (batch_first=True), 1 and 2
 * layers, one direction and bidirectional, every step and the last, with and without bias
 * (tests/fixtures/torch/recurrent.py, torch 1.13): a 5-step sequence of 3 features, hidden
 * size 4, PyTorch's parameters loaded from a safetensors file by their state-dict names, as
 * `--weights` loads them; every output value within 1e-5 of PyTorch's float64 result.
 */
interface Fixed {
  shape: number[];
  data: number[];
}
interface Case {
  layer: string;
  module: string;
  netfig: string;
  params: number;
  input: Fixed;
  output: Fixed;
}
const dir = `${root}/tests/fixtures/torch`;
const cases: Case[] = JSON.parse(readFileSync(`${dir}/recurrent.json`, "utf8")).cases;
const weightsPath = `${dir}/recurrent/weights.safetensors`;
const file = new SafetensorsFile(new Uint8Array(readFileSync(weightsPath)), weightsPath);

/** The weights file, remembering which tensors a run read. */
class ReadWeights extends SafetensorsWeights {
  readonly read = new Set<string>();
  override get(name: string, shape: readonly number[]): Tensor {
    this.read.add(name);
    return super.get(name, shape);
  }
}

const pool = new ComputePool(1);
afterAll(() => pool.close());

const worstError = (actual: Float32Array, expected: number[]) => expected.reduce((worst, e, i) => Math.max(worst, Math.abs(actual[i]! - e)), 0);

describe("PyTorch's output for each recurrent layer", () => {
  it("covers each kind × layers × directions × steps kept × bias", () => {
    expect(cases).toHaveLength(3 * 2 * 2 * 2 * 2);
  });

  it.each(cases.map((c) => [c.netfig.split("\n")[1]!.split(": ")[1]!, c.module, c] as const))("%s (%s) gives its output within 1e-5, reading exactly its state dict", async (_written, _module, c) => {
    const weights = new ReadWeights(file);
    const input: Tensor = { shape: c.input.shape, data: Float32Array.from(c.input.data) };
    const outputs = await runNetwork(analyzeText(c.netfig), { weights, pool, seed: 0, inputs: new Map([["x", input]]), keepAll: true });
    const output = outputs.get(c.layer)!;
    expect(output.shape).toEqual(c.output.shape);
    expect(worstError(output.data, c.output.data)).toBeLessThan(1e-5);
    expect([...weights.read].sort()).toEqual([...file.entries.keys()].filter((name) => name.startsWith(`${c.layer}.`)).sort());
  });

  it.each(cases.map((c) => [c.module, c] as const))("%s has PyTorch's parameter count", (_module, c) => {
    expect(summarize(analyzeSource(c.netfig, "test.netfig")).networks[0]!.totals.params).toBe(c.params);
  });
});

describe("seeded parameters", () => {
  /** Seeded weights that keep each tensor a run asked for. */
  class KeptWeights extends SeededWeights {
    readonly kept = new Map<string, Tensor>();
    override get(name: string, shape: readonly number[], init: InitSpec): Tensor {
      const t = super.get(name, shape, init);
      this.kept.set(name, t);
      return t;
    }
  }

  it("are PyTorch's default U(−1/√H, 1/√H) for weights and biases alike, the same on every run", async () => {
    const network = analyzeText("x: input 6x5\nh: lstm 16 bidirectional");
    const weights = new KeptWeights(7);
    const a = await runNetwork(network, { weights, pool, seed: 7 });
    const b = await runNetwork(network, { weights: new SeededWeights(7), pool, seed: 7 });
    expect(Buffer.from(a.get("h")!.data.buffer)).toEqual(Buffer.from(b.get("h")!.data.buffer));
    expect([...weights.kept.keys()].sort()).toEqual(
      ["bias_hh_l0", "bias_hh_l0_reverse", "bias_ih_l0", "bias_ih_l0_reverse", "weight_hh_l0", "weight_hh_l0_reverse", "weight_ih_l0", "weight_ih_l0_reverse"].map((n) => `h.${n}`),
    );
    for (const [name, { data }] of weights.kept) {
      const largest = data.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      expect(largest, name).toBeLessThanOrEqual(1 / Math.sqrt(16));
      expect(largest, name).toBeGreaterThan(0.9 / Math.sqrt(16));
    }
  });
});

describe("a recurrence too long to run", () => {
  it("is refused at the layer before anything is allocated, saying how many step-by-step products it would make", async () => {
    const started = Date.now();
    const error = await runNetwork(analyzeText("input 1000x10000\nlstm 20000"), { weights: new SeededWeights(1), pool, seed: 1 }).catch((e: unknown) => e);
    expect((error as NetfigError).diagnostics[0]!.message).toBe(
      "lstm lstm_1: its 1000 steps of 20000 hidden units make 1600000000000 multiply-accumulates one step after another, more than the 34359738368 a run makes in one thread",
    );
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
