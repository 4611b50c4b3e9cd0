import { afterAll, describe, expect, it } from "vitest";
import { ComputePool } from "../../src/engine/pool.js";
import { SeededWeights } from "../../src/engine/weights.js";
import type { Tensor } from "../../src/engine/tensor.js";
import { runNetwork } from "../../src/execute/run.js";
import { exportOnnx } from "../../src/export/onnx/export.js";
import { decodeModel } from "../../src/import/onnx/decode.js";
import { readFileSync } from "node:fs";
import { analyzeText, diagnosticsOf, root } from "../helpers/netfig.js";

/** `shares=`: a layer, or every layer of a block call, reusing another's parameters. */
const SIAMESE = `
block tower() {
  conv 8 3x3 -> relu
  flatten
  fc 16 -> sigmoid
}
a: input 8x8x1
b: input 8x8x1
left: tower() from a
right: tower(shares=left) from b
d: distance l2 from left, right
`;

// conv 1→8 3x3: 8·9 + 8 = 80; fc 6·6·8 → 16: 288·16 + 16 = 4,624.
const TOWER = 80 + 4_624;

const pool = new ComputePool(1);
afterAll(() => pool.close());

async function outputs(text: string, inputs: Record<string, Tensor>): Promise<Map<string, Tensor>> {
  return runNetwork(analyzeText(text), { weights: new SeededWeights(7), pool, inputs: new Map(Object.entries(inputs)), seed: 7, keepAll: true });
}

const image = (value: number): Tensor => ({ shape: [1, 8, 8], data: Float32Array.from({ length: 64 }, (_, i) => Math.sin(i * value)) });

describe("shared weights", () => {
  it("a block call with shares= counts its parameters once: the tower, not twice the tower", () => {
    const analyzed = analyzeText(SIAMESE);
    expect(analyzed.totals.params).toBe(TOWER);
    expect(analyzed.layers.filter((l) => l.shares).map((l) => [l.node.id, l.shares])).toEqual([
      ["right.conv_1", "left.conv_1"],
      ["right.fc_1", "left.fc_1"],
    ]);
    expect(analyzed.network.frames.find((f) => f.id === "right")!.shares).toBe("left");
  });

  it("runs both towers with the same tensors: one image in both inputs gives distance 0, two images do not", async () => {
    const same = await outputs(SIAMESE, { a: image(1), b: image(1) });
    expect([...same.get("left.sigmoid_1")!.data]).toEqual([...same.get("right.sigmoid_1")!.data]);
    expect(same.get("d")!.data[0]).toBeLessThan(1e-4); // F.pairwise_distance's eps: ‖0 + 1e-6‖ over 16 features
    const different = await outputs(SIAMESE, { a: image(1), b: image(2) });
    expect(different.get("d")!.data[0]).toBeGreaterThan(1e-2);
  });

  it("a layer's own shares= reuses that layer's weight: an autoencoder's two identical convs", async () => {
    const text = "x: input 6x6x4\nc1: conv 4 3x3 pad=1\nc2: conv 4 3x3 pad=1 shares=c1\n";
    expect(analyzeText(text).totals.params).toBe(4 * 4 * 9 + 4);
    const x: Tensor = { shape: [4, 6, 6], data: Float32Array.from({ length: 144 }, (_, i) => (i % 7) / 7) };
    const shared = await outputs(text, { x });
    const twice = await outputs("x: input 6x6x4\nc1: conv 4 3x3 pad=1\nc2: conv 4 3x3 pad=1\n", { x });
    const once = await outputs("x: input 6x6x4\nc1: conv 4 3x3 pad=1\nc2: conv 4 3x3 pad=1\n", { x: twice.get("c1")! });
    // c2 of the shared network is c1 applied twice: the unshared network's c1 run on its own output.
    expect([...shared.get("c2")!.data]).toEqual([...once.get("c1")!.data]);
  });

  it("a layer sharing with a sharing layer shares with the owner: three convs, one weight", async () => {
    const text = "x: input 6x6x4\nc1: conv 4 3x3 pad=1\nc2: conv 4 3x3 pad=1 shares=c1\nc3: conv 4 3x3 pad=1 shares=c2\n";
    const analyzed = analyzeText(text);
    expect(analyzed.layers.map((l) => l.shares)).toEqual([undefined, undefined, "c1", "c1"]);
    expect(analyzed.totals.params).toBe(4 * 4 * 9 + 4);
  });

  it("tied weights: a transposed fc decodes with the encoder's weight and its own bias, 51,024 parameters as PyTorch counts", async () => {
    const torch = JSON.parse(readFileSync(`${root}/tests/fixtures/torch/kinds.json`, "utf8")).networks.tied_autoencoder;
    const text = "x: input 784\nenc: fc 64 -> sigmoid\ndec: fc 784 shares=enc transposed -> sigmoid\n";
    const analyzed = analyzeText(text);
    expect(analyzed.totals.params).toBe(torch.total);
    expect(analyzed.layers.find((l) => l.node.id === "dec")!.params).toBe(784);
    const x: Tensor = { shape: [784], data: Float32Array.from({ length: 784 }, (_, i) => Math.cos(i)) };
    const run = await outputs(text, { x });
    const w = new SeededWeights(7).get("enc.weight", [64, 784], { kind: "xavier", fanIn: 784, fanOut: 64 }).data;
    const h = run.get("sigmoid_1")!.data;
    // dec's pre-activation at unit 5 is Σ_j W[j, 5]·h[j] (its bias is 0 when seeded).
    const unit = 5;
    const expected = 1 / (1 + Math.exp(-h.reduce((sum, v, j) => sum + v * w[j * 784 + unit]!, 0)));
    expect(run.get("sigmoid_2")!.data[unit]).toBeCloseTo(expected, 5);
    expect(diagnosticsOf("x: input 784\nenc: fc 64\ndec: fc 700 shares=enc transposed\n").map((d) => d.message)).toEqual([
      "fc dec cannot share the parameters of enc: it maps 64 to 700, so the transposed weight must map 700 to 64; enc maps 784 to 64",
    ]);
  });

  it("an output head tied to an embedding (GPT-2's lm_head.weight = wte.weight) reads its 11×8 table as its [out, in] weight and keeps its own bias: 88 + 11 parameters, as PyTorch counts", async () => {
    const text = "t: input 5 tokens=11\nwte: embedding 11 8\nhead: fc 11 shares=wte\n";
    const analyzed = analyzeText(text);
    expect(analyzed.totals.params).toBe(11 * 8 + 11);
    expect(analyzed.layers.filter((l) => l.tied).map((l) => [l.node.id, l.shares, l.params])).toEqual([["head", "wte", 11]]);
    const ids: Tensor = { shape: [5], data: Float32Array.from([3, 0, 10, 7, 3]) };
    const run = await outputs(text, { t: ids });
    // The table exactly as the embedding asks for it; the head's seeded bias is 0.
    const table = new SeededWeights(7).get("wte.weight", [11, 8], { kind: "he", fanIn: 2 }).data;
    const logit = (step: number, unit: number) => Array.from({ length: 8 }, (_, d) => table[ids.data[step]! * 8 + d]! * table[unit * 8 + d]!).reduce((a, b) => a + b);
    for (const [step, unit] of [[0, 3], [2, 4], [4, 10]] as const) expect(run.get("head")!.data[step * 11 + unit]).toBeCloseTo(logit(step, unit), 5);
  });

  it("a head tied to an embedding that shares another's table reads the owner's: the Transformer's three-way tie", () => {
    const text = "s: input 4 tokens=9\nsrc: embedding 9 6\nt: input 3 tokens=9\ntgt: embedding 9 6 shares=src from t\nout: fc 9 bias=false shares=tgt\n";
    const analyzed = analyzeText(text);
    expect(analyzed.layers.filter((l) => l.shares).map((l) => [l.node.id, l.shares])).toEqual([["tgt", "src"], ["out", "src"]]);
    expect(analyzed.totals.params).toBe(9 * 6);
  });

  it("refuses a tie whose sizes differ, naming both, and a tie to a layer that only borrows its weight", () => {
    const [d] = diagnosticsOf("t: input 5 tokens=11\nwte: embedding 11 8\nfc 16 -> head: fc 12 shares=wte\n");
    expect(d!.message).toBe("fc head cannot share the parameters of wte: it needs a 12×16 weight (12 units, 16 input features), wte's table is 11×8");
    expect([d!.location!.line, d!.location!.column]).toEqual([3, 16]);
    expect(diagnosticsOf("t: input 5 tokens=11\nwte: embedding 11 8\nh1: fc 11 shares=wte\nh2: fc 11 shares=h1 from wte\n").map((x) => x.message)).toEqual([
      "fc h2 cannot share the parameters of h1: h1 reads only the weight of wte; share with wte itself",
    ]);
    expect(diagnosticsOf("t: input 5 tokens=11\nwte: embedding 11 8\nhead: fc 11 shares=wte transposed\n").map((x) => x.message)).toEqual([
      "fc head cannot share the parameters of wte: it is a fc, wte a embedding",
    ]);
    // A weight written in the file would be ignored: the table is the weight.
    expect(diagnosticsOf("t: input 2 tokens=3\nwte: embedding 3 2\nhead: fc 3 shares=wte weights=[[1, 0], [0, 1], [1, 1]]\n").map((x) => x.message)).toEqual([
      "fc head cannot share the parameters of wte: its weight is wte's, so it takes no weights=",
    ]);
  });

  it("exports one initializer per shared parameter", () => {
    const model = decodeModel(exportOnnx(analyzeText(SIAMESE), { weights: new SeededWeights(7) }), "siamese.onnx");
    const names = model.graph!.initializer!.map((t) => t.name).filter((n) => n!.endsWith(".weight") || n!.endsWith(".bias"));
    expect(names.sort()).toEqual(["left.conv_1.bias", "left.conv_1.weight", "left.fc_1.bias", "left.fc_1.weight"]);
    const convs = model.graph!.node!.filter((n) => n.opType === "Conv").map((n) => n.input![1]);
    expect(convs).toEqual(["left.conv_1.weight", "left.conv_1.weight"]);
  });

  it("refuses to share between layers of different kinds or settings, saying why", () => {
    expect(diagnosticsOf("x: input 6x6x4\nc1: conv 4 3x3\nc2: conv 8 3x3 shares=c1\n").map((d) => d.message)).toEqual([
      "conv c2 cannot share the parameters of c1: their settings differ",
    ]);
    expect(diagnosticsOf("x: input 6x6x4\nc1: conv 4 3x3\nf: flatten\nc2: fc 4 shares=c1\n").map((d) => d.message)).toEqual([
      "fc c2 cannot share the parameters of c1: it is a fc, c1 a conv",
    ]);
    // Same settings, but 8 input channels against c1's 4: a weight of another shape.
    expect(diagnosticsOf("x: input 6x6x4\nc1: conv 4 3x3\nw: concat from c1, c1\nc2: conv 4 3x3 shares=c1\n").map((d) => d.message)).toEqual([
      "conv c2 cannot share the parameters of c1: it would have 292 parameters, c1 has 148",
    ]);
  });

  it("points at a shares= that names nothing above", () => {
    const [d] = diagnosticsOf("x: input 6x6x4\nc1: conv 4 3x3 shares=c9\n");
    expect(d!.message).toBe("shares= names the layer above whose parameters this one reuses");
    expect([d!.location!.line, d!.location!.column]).toEqual([2, 16]);
    const [call] = diagnosticsOf("block t() {\n  conv 4 3x3\n}\nx: input 6x6x4\nleft: t()\nright: t(shares=nowhere)\n");
    expect(call!.message).toBe("shares= names an earlier call of a block whose parameters this call reuses");
  });
});
