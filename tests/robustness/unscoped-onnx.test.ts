/**
 * ONNX graphs whose node names carry no module scope (all empty, or all one name) import
 * with the frames PyTorch's scoped names give, found from the parameters' names
 * (`features.denseblock1.denselayer1.conv1.weight`). Without them a DenseNet-121 was one
 * flat graph that ELK laid out in 63 s (77 s to render, against 4.9 s with scoped names).
 * The models are the 64 torchvision exports of tests/fixtures/onnx/torchvision/, names rewritten here.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import onnxProto from "onnx-proto";
import { describe, expect, it } from "vitest";
import { analyze } from "../../src/analyze/analyze.js";
import type { Frame } from "../../src/graph/types.js";
import { importOnnx } from "../../src/import/onnx/import.js";
import { layout } from "../../src/styles/index.js";
import { root } from "../helpers/netfig.js";

const FIXTURES = join(root, "tests/fixtures/onnx/torchvision");

function exported(model: string): Uint8Array {
  return gunzipSync(readFileSync(join(FIXTURES, `${model}.onnx.gz`)));
}

/** The same model with every node renamed by `rename` (the tensors keep their names). */
function renamed(model: string, rename: (index: number) => string): Uint8Array {
  const decoded = onnxProto.onnx.ModelProto.decode(exported(model));
  decoded.graph!.node!.forEach((node, i) => (node.name = rename(i)));
  return onnxProto.onnx.ModelProto.encode(decoded).finish();
}

const VARIANTS = { "empty names": () => "", "one name for all": () => "node" } as const;

/** Frames as the reader sees them: kind and label, in order (ids differ where layers are renamed). */
const drawn = (frames: Frame[]) => frames.map((f) => `${f.kind} ${f.label}`);

const MODELS = readdirSync(FIXTURES).filter((f) => f.endsWith(".onnx.gz")).map((f) => f.slice(0, -".onnx.gz".length)).sort();

describe.each(MODELS)("torchvision %s with its node names blanked", (model) => {
  const scoped = importOnnx(exported(model), `${model}.onnx`);
  const scopedNetwork = analyze(scoped.graph).networks[0]!;
  const variants = Object.entries(VARIANTS).filter(([variant]) => variant === "empty names" || ["densenet121", "resnet50", "mobilenet_v2", "inception_v3"].includes(model));

  it.each(variants)("%s: the same frames, and every layer with the shape, parameters and MACs of the scoped import", (_variant, rename) => {
    const unscoped = importOnnx(renamed(model, rename), `${model}.onnx`);
    const network = unscoped.graph.networks[0]!;
    expect(drawn(network.frames)).toEqual(drawn(scoped.graph.networks[0]!.frames));
    expect(new Set(network.nodes.map((n) => n.id)).size).toBe(network.nodes.length);
    const numbers = (layers: typeof scopedNetwork.layers) => layers.map((l) => [l.node.op, l.shape, l.params, l.macs]);
    expect(numbers(analyze(unscoped.graph).networks[0]!.layers)).toEqual(numbers(scopedNetwork.layers));
  });
});

describe("ResNet-50 without node names", () => {
  it("is drawn by the direct layout with the scoped export's frames, the stages' repeated blocks among them", async () => {
    const figure = async (bytes: Uint8Array) => {
      const laidOut = await layout(analyze(importOnnx(bytes, "resnet50.onnx").graph), { layout: "direct" });
      return laidOut.style === "blocks" ? laidOut.figure : undefined;
    };
    const scoped = (await figure(exported("resnet50")))!;
    const unscoped = (await figure(renamed("resnet50", () => "")))!;
    expect(unscoped.shape).toBe("line");
    expect(unscoped.frames.length).toBe(scoped.frames.length);
    expect(unscoped.rows).toBe(scoped.rows);
  });
});

describe("DenseNet-121 without node names", () => {
  it("frames each dense layer and transition as the scoped export does, and names layers by module", () => {
    const network = importOnnx(renamed("densenet121", () => ""), "densenet121.onnx").graph.networks[0]!;
    const blocks = network.frames.filter((f) => f.kind === "block");
    // torchvision's DenseNet-121: dense blocks of 6, 12, 24 and 16 layers, three transitions between them.
    expect(blocks.filter((f) => f.label.startsWith("denselayer"))).toHaveLength(6 + 12 + 24 + 16);
    expect(blocks.filter((f) => f.label.startsWith("transition")).map((f) => f.label)).toEqual(["transition1", "transition2", "transition3"]);
    expect(network.frames.filter((f) => f.kind === "group").map((f) => f.label)).toEqual(["denseblock1", "denseblock2", "denseblock3", "denseblock4"]);
    const ids = network.nodes.map((n) => n.id);
    expect(ids).toContain("features.denseblock1.denselayer1.conv1");
    expect(ids).toContain("features.denseblock1.denselayer1.relu");
    expect(ids).toContain("features.transition1.avgpool");
    expect(ids).toContain("classifier");
  });

  it("is laid out in a time comparable to the scoped export's, with the same frames drawn (it was 15 times as long, one flat ELK graph)", { timeout: 120_000 }, async () => {
    const timed = async (bytes: Uint8Array) => {
      const started = performance.now();
      const laidOut = await layout(analyze(importOnnx(bytes, "densenet121.onnx").graph), {});
      return { ms: performance.now() - started, figure: laidOut.style === "blocks" ? laidOut.figure : undefined };
    };
    const scoped = await timed(exported("densenet121"));
    const unscoped = await timed(renamed("densenet121", () => "node"));
    expect(unscoped.figure!.frames.length).toBe(scoped.figure!.frames.length);
    expect(unscoped.figure!.shape).toBe(scoped.figure!.shape);
    // Generous: both run on one loaded machine; the flat graph took 15 times as long.
    expect(unscoped.ms).toBeLessThan(4 * scoped.ms + 2_000);
  });
  it("keeps names that tell the nodes apart (an old exporter's Conv_12) as ids, and still frames by the parameters", () => {
    const network = importOnnx(renamed("densenet121", (i) => `op_${i}`), "densenet121.onnx").graph.networks[0]!;
    expect(network.nodes.filter((n) => n.op !== "input").every((n) => /^op_\d+$/.test(n.id))).toBe(true);
    expect(drawn(network.frames)).toEqual(drawn(importOnnx(exported("densenet121"), "densenet121.onnx").graph.networks[0]!.frames));
  });
});
