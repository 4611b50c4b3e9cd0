import { readFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { ComputePool } from "../../src/engine/pool.js";
import { gaussianNoise, reparameterize } from "../../src/engine/kernels/sample.js";
import { sameShape, type Tensor } from "../../src/engine/tensor.js";
import type { WeightSource } from "../../src/engine/weights.js";
import { runNetwork } from "../../src/execute/run.js";
import { analyzeText, root } from "../helpers/netfig.js";

/**
 * The forward pass of each layer kind of issue 11 against PyTorch's output for the same
 * inputs and parameters (tests/fixtures/torch/generate_kinds.py, torch 1.13): relative
 * error under 1e-4, as the engine's other forward tests.
 */
interface Fixed {
  shape: number[];
  data: number[];
}
const fixtures = JSON.parse(readFileSync(`${root}/tests/fixtures/torch/kinds.json`, "utf8")).forward;
const tensorOf = (t: Fixed): Tensor => ({ shape: [...t.shape], data: Float32Array.from(t.data) });

/** Parameters by state-dict name, as PyTorch had them; any other name is a test bug. */
class FixtureWeights implements WeightSource {
  constructor(private readonly tensors: Record<string, Fixed>) {}
  get(name: string, shape: readonly number[]): Tensor {
    const t = this.tensors[name];
    if (!t) throw new Error(`the fixture has no ${name}`);
    if (!sameShape(t.shape, shape)) throw new Error(`${name}: the fixture is [${t.shape}], the layer asks for [${shape}]`);
    return tensorOf(t);
  }
}

const pool = new ComputePool(1);
afterAll(() => pool.close());

/** The output of layer `id` of `text` for the given inputs (by input id, PyTorch's layout). */
async function run(text: string, inputs: Record<string, Fixed | Tensor>, weights: Record<string, Fixed>, id: string): Promise<Tensor> {
  const analyzed = analyzeText(text);
  const given = new Map(Object.entries(inputs).map(([k, t]) => [k, t.data instanceof Float32Array ? (t as Tensor) : tensorOf(t as Fixed)]));
  const outputs = await runNetwork(analyzed, { weights: new FixtureWeights(weights), pool, inputs: given, seed: 0, keepAll: true });
  return outputs.get(id)!;
}

function expectClose(actual: Tensor, expected: Fixed): void {
  expect(actual.shape).toEqual(expected.shape);
  let diff = 0;
  let scale = 0;
  expected.data.forEach((v, i) => {
    diff = Math.max(diff, Math.abs(actual.data[i]! - v));
    scale = Math.max(scale, Math.abs(v));
  });
  expect(diff / Math.max(scale, 1e-12)).toBeLessThan(1e-4);
}

const hwc = (chw: number[]) => (chw.length === 3 ? [chw[1], chw[2], chw[0]] : chw).join("x");

describe("PyTorch's forward for each new layer kind", () => {
  it.each(fixtures.crop.map((c: { size: number[] }, i: number) => [i, c.size.join("x")]))("crop case %i: the centre %s of each map, the odd row and column left at the bottom right", async (i) => {
    const c = fixtures.crop[i as number];
    const out = await run(`x: input ${hwc(c.input.shape)}\nc: crop ${c.size.join("x")}`, { x: c.input }, {}, "c");
    expectClose(out, c.output);
  });

  it("crop like= cuts to the named layer's size (U-Net's skip), reading that layer's shape only", async () => {
    const c = fixtures.crop[1];
    const text = `x: input ${hwc(c.input.shape)}\nref: input ${c.size.join("x")}x1\nc: crop like=ref from x`;
    const analyzed = analyzeText(text);
    expect(analyzed.layers.find((l) => l.node.id === "c")!.node.inputs).toEqual(["x"]);
    const out = await run(text, { x: c.input, ref: { shape: [1, ...c.size], data: new Array(c.size[0] * c.size[1]).fill(0) } }, {}, "c");
    expectClose(out, c.output);
  });

  it("embedding: row id of nn.Embedding(7, 3)'s weight for each of 5 ids", async () => {
    const e = fixtures.embedding;
    const ids = { shape: [e.ids.length], data: e.ids };
    const out = await run(`ids: input ${e.ids.length} tokens=7\nwords: embedding 7 3`, { ids }, { "words.weight": e.weight }, "words");
    expectClose(out, e.output);
  });

  it("embedding refuses values that are not token ids, at the layer, saying how to give ids", async () => {
    const ids = { shape: [2], data: [1, 0.5] };
    await expect(run("ids: input 2\nwords: embedding 7 3", { ids }, { "words.weight": fixtures.embedding.weight }, "words")).rejects.toThrow(
      "embedding words: token 1 is 0.5, not a whole number in [0, 7)",
    );
  });

  it.each([0, 1, 2])("maxunpool case %i: F.max_unpool2d with the indices of F.max_pool2d(return_indices=True)", async (i) => {
    const u = fixtures.maxunpool[i];
    const [, h, w] = u.values.shape;
    const text = [
      `x: input ${hwc(u.poolInput.shape)}`,
      `p: maxpool ${u.kernel}x${u.kernel}/${u.stride} pad=${u.padding}`,
      `v: input ${h}x${w}x${u.values.shape[0]}`,
      `u: maxunpool indices=p from v`,
    ].join("\n");
    const out = await run(text, { x: u.poolInput, v: u.values }, {}, "u");
    expectClose(out, u.output);
  });

  it("sample: μ + exp(½·logvar)·ε, with PyTorch's ε", () => {
    const s = fixtures.sample;
    const out = reparameterize(tensorOf(s.mean), tensorOf(s.logvar), tensorOf(s.noise));
    expectClose(out, s.output);
  });

  it("sample draws its ε from seed= alone: the same seed the same sample, standard normal over 100,000 draws", async () => {
    const text = (seed: number) => `m: input 16\nv: input 16\nz: sample from m, v seed=${seed}`;
    const zeros = { shape: [16], data: new Array(16).fill(0) };
    const a = await run(text(3), { m: zeros, v: zeros }, {}, "z");
    expect([...a.data]).toEqual([...gaussianNoise(3, [16]).data]);
    expect([...(await run(text(3), { m: zeros, v: zeros }, {}, "z")).data]).toEqual([...a.data]);
    expect([...(await run(text(4), { m: zeros, v: zeros }, {}, "z")).data]).not.toEqual([...a.data]);
    const many = gaussianNoise(1, [100_000]).data;
    const mean = many.reduce((s, v) => s + v, 0) / many.length;
    const variance = many.reduce((s, v) => s + (v - mean) ** 2, 0) / many.length;
    expect(Math.abs(mean)).toBeLessThan(0.01);
    expect(Math.abs(variance - 1)).toBeLessThan(0.02);
  });

  it.each([0, 1])("distance case %i: F.pairwise_distance p=1 and p=2, F.cosine_similarity, |a−b| and (a−b)²", async (i) => {
    const d = fixtures.distance[i];
    const shape = hwc(d.a.shape);
    const net = (how: string) => `a: input ${shape}\nb: input ${shape}\nd: distance ${how} from a, b`;
    const value = async (how: string) => (await run(net(how), { a: d.a, b: d.b }, {}, "d"));
    expectClose(await value("l1"), { shape: [1], data: [d.l1] });
    expectClose(await value("l2"), { shape: [1], data: [d.l2] });
    expectClose(await value("cosine"), { shape: [1], data: [d.cosine] });
    expectClose(await value("l1 componentwise"), d.l1Componentwise);
    expectClose(await value("l2 componentwise"), d.l2Componentwise);
  });

  it("conv with LeNet-5's Table I: the weights of unconnected map pairs are zero, 1,516 parameters", async () => {
    const t = fixtures.tableConv;
    const table = `[${t.table.map((row: number[]) => `[${row.join(", ")}]`).join(", ")}]`;
    const text = `x: input 14x14x6\nc3: conv 16 5x5 table=${table}`;
    const out = await run(text, { x: t.input }, { "c3.weight": t.weight, "c3.bias": t.bias }, "c3");
    expectClose(out, t.output);
    expect(analyzeText(text).layers[1]!.params).toBe(t.params);
  });

  it("subsample: the 2×2 sum times a coefficient plus a bias per map (LeNet's S2)", async () => {
    const s = fixtures.subsample;
    const out = await run(`x: input 8x8x6\ns2: subsample 2x2/2`, { x: s.input }, { "s2.weight": s.weight, "s2.bias": s.bias }, "s2");
    expectClose(out, s.output);
  });

  it("rbf: Σ (x − w)² for each of 10 centres of 84 (LeNet's output)", async () => {
    const r = fixtures.rbf;
    const out = await run(`x: input 84\noutput: rbf 10`, { x: r.input }, { "output.weight": r.weight }, "output");
    expectClose(out, r.output);
  });

  it("scaledtanh: 1.7159·tanh(2/3·x) by default (LeNet's squashing function)", async () => {
    const s = fixtures.scaledTanh;
    const out = await run(`x: input 20\nt: scaledtanh`, { x: s.input }, {}, "t");
    expectClose(out, s.output);
  });
});
