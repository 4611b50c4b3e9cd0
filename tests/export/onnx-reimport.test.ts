import { describe, expect, it } from "vitest";
import { analyze } from "../../src/analyze/analyze.js";
import { SeededWeights } from "../../src/engine/weights.js";
import { exportOnnx } from "../../src/export/onnx/export.js";
import { importOnnx } from "../../src/import/onnx/import.js";
import { OnnxWeights } from "../../src/import/onnx/weights.js";
import onnxProto from "onnx-proto";
import { main, version } from "../../src/cli/main.js";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { NetfigError } from "../../src/lang/diagnostics.js";
import { analyzeText, readProjectFile, root } from "../helpers/netfig.js";
import { analyzeSource } from "../../src/pipeline.js";
import { engineOutputs, network } from "./onnx-networks.js";
import { scratchDir } from "../helpers/temp.js";

/**
 * The whole loop without onnxruntime: a network exported to ONNX and read back by
 * netfig's own importer has the same layers, counts and (with the file's initializers
 * as its weights) the same outputs.
 */

const SEED = 1;
const TEMPLATES = readdirSync(join(root, "templates")).filter((f) => f.endsWith(".netfig")).map((f) => f.slice(0, -".netfig".length));

function reimport(name: string) {
  const source = network(name);
  const onnx = importOnnx(exportOnnx(source, { weights: new SeededWeights(SEED) }), `${name}.onnx`);
  return { source, onnx, imported: analyze(onnx.graph).networks[0]! };
}

describe("an exported network re-imported", () => {
  it.each(["lenet5", "alexnet", "resnet18", "resnet20-cifar", "inception-naive", "googlenet", "zoo", "tied"])("%s has the source's layer shapes, parameters and MACs", (name) => {
    const { source, imported } = reimport(name);
    expect(imported.totals.params).toBe(source.totals.params);
    expect(imported.totals.macs).toBe(source.totals.macs);
    const byId = new Map(imported.layers.map((l) => [l.node.id, l]));
    // Identity layers vanish on import (ONNX Identity is an alias), everything else keeps its id.
    for (const layer of source.layers.filter((l) => l.node.op !== "identity")) {
      const copy = byId.get(layer.node.id);
      expect(copy, layer.node.id).toBeDefined();
      expect([copy!.shape, copy!.params, copy!.macs], layer.node.id).toEqual([layer.shape, layer.params, layer.macs]);
    }
  });

  // The Transformer kinds one by one and a small ViT and encoder–decoder, as tests/export/onnx-transformer.test.ts exports them.
  const TRANSFORMERS = Object.entries(JSON.parse(readProjectFile("tests/fixtures/torch/transformer_onnx.json")).cases as Record<string, { netfig: string }>);
  it.each(TRANSFORMERS)("Transformer %s re-imports as the same layers with the same settings and counts", (_name, { netfig }) => {
    const source = analyzeSource(netfig, "transformer.netfig").networks[0]!;
    const imported = analyze(importOnnx(exportOnnx(source, { weights: new SeededWeights(SEED) }), "transformer.onnx").graph).networks[0]!;
    expect([imported.totals.params, imported.totals.macs]).toEqual([source.totals.params, source.totals.macs]);
    const byId = new Map(imported.layers.map((l) => [l.node.id, l]));
    // Dropout 0 exports as nothing; every other layer comes back under its id.
    for (const layer of source.layers.filter((l) => l.node.op !== "identity" && l.node.op !== "dropout")) {
      const copy = byId.get(layer.node.id);
      expect(copy && [copy.node.op, copy.node.attrs, copy.shape, copy.params, copy.macs], layer.node.id).toEqual([layer.node.op, layer.node.attrs, layer.shape, layer.params, layer.macs]);
    }
  });

  it.each(TRANSFORMERS)("Transformer %s runs on its initializers to the source's outputs", async (_name, { netfig }) => {
    const source = analyzeSource(netfig, "transformer.netfig").networks[0]!;
    const onnx = importOnnx(exportOnnx(source, { weights: new SeededWeights(SEED) }), "transformer.onnx");
    const imported = analyze(onnx.graph).networks[0]!;
    const expected = await engineOutputs(source, new SeededWeights(SEED), SEED);
    // A different fallback seed: a parameter missing from the file would change the outputs.
    const actual = await engineOutputs(imported, new OnnxWeights(onnx, new SeededWeights(SEED + 1), "transformer.onnx"), SEED);
    expect([...actual.keys()]).toEqual([...expected.keys()]);
    for (const [id, tensor] of expected) expect(actual.get(id)!.data, id).toEqual(tensor.data);
  }, 60_000);

  it.each(TEMPLATES)("template %s: every network re-imports with no opaque block, the same totals and every layer's shape", (name) => {
    for (const source of analyzeSource(readProjectFile(`templates/${name}.netfig`), `${name}.netfig`).networks) {
      const imported = analyze(importOnnx(exportOnnx(source, { weights: new SeededWeights(SEED) }), `${name}.onnx`).graph).networks[0]!;
      expect(imported.layers.filter((l) => l.node.op === "opaque").map((l) => l.node.label), source.network.name).toEqual([]);
      expect([imported.totals.params, imported.totals.macs], source.network.name).toEqual([source.totals.params, source.totals.macs]);
      const byId = new Map(imported.layers.map((l) => [l.node.id, l]));
      for (const layer of source.layers.filter((l) => l.node.op !== "identity")) expect(byId.get(layer.node.id)?.shape, `${source.network.name}: ${layer.node.id}`).toEqual(layer.shape);
    }
  });

  it("the shortcuts come back as the language's: proj for ResNet-18's 1x1 convs, chanpad for ResNet-20's option A", () => {
    const ops = (name: string, op: string) => reimport(name).imported.layers.filter((l) => l.node.op === op).map((l) => [l.node.id, l.node.attrs.target]);
    expect(ops("resnet18", "proj")).toEqual(["layer2", "layer3", "layer4"].map((stage) => [`${stage}.0.downsample.0`, `${stage}.0.bn2`]));
    expect(ops("resnet20-cifar", "chanpad").map(([id]) => id)).toHaveLength(2);
  });

  // Networks whose every exported op our importer maps to the layer it came from (the zoo's adaptive pool comes back an avgpool, equal up to rounding).
  it("heads tied to an embedding's table come back as fc shares= the embedding that owns it, with no warning", () => {
    const { onnx, imported } = reimport("tied");
    expect(onnx.warnings).toEqual([]);
    const tied = imported.layers.filter((l) => l.tied).map((l) => [l.node.id, l.node.attrs.shares, l.params]);
    expect(tied).toEqual([["head", "emb", 11], ["vhead", "emb", 0]]);
  });

  it.each(["lenet5", "resnet18", "inception-naive", "resnet20-cifar", "alexnet", "tied"])("%s runs on its initializers to the source's outputs", async (name) => {
    const { source, onnx, imported } = reimport(name);
    const expected = await engineOutputs(source, new SeededWeights(SEED), SEED);
    // A different fallback seed: a parameter missing from the file would change the outputs.
    const actual = await engineOutputs(imported, new OnnxWeights(onnx, new SeededWeights(SEED + 1), `${name}.onnx`), SEED);
    expect([...actual.keys()]).toEqual([...expected.keys()]);
    for (const [id, tensor] of expected) expect(actual.get(id)!.data, id).toEqual(tensor.data);
  }, 60_000);
});

describe("netfig export", () => {
  it("writes the same bytes for the same network and seed, other bytes for another seed", () => {
    const source = network("resnet18");
    const a = exportOnnx(source, { weights: new SeededWeights(SEED) });
    expect(Buffer.compare(a, exportOnnx(source, { weights: new SeededWeights(SEED) }))).toBe(0);
    expect(Buffer.compare(a, exportOnnx(source, { weights: new SeededWeights(SEED + 1) }))).not.toBe(0);
  });

  it("declares a symbolic batch dimension when asked, NCHW input, opset 14", () => {
    const model = onnxProto.onnx.ModelProto.decode(exportOnnx(network("lenet5"), { weights: new SeededWeights(SEED), batch: "batch" }));
    const dims = model.graph!.input![0]!.type!.tensorType!.shape!.dim!;
    expect(dims.map((d) => d.dimParam || Number(d.dimValue))).toEqual(["batch", 1, 32, 32]);
    expect(Number(model.opsetImport![0]!.version)).toBe(14);
    expect(model.graph!.initializer!.map((t) => t.name)).toContain("c1.weight");
  });

  it.each([
    ["input 8x3\nr: opaque type=Einsum shape=8x3", "only by name"],
    ["input 7x7x3\na: adaptiveavgpool 2x2", "does not divide"],
    ["input 8x8x4\nlrn 4", "even window"],
  ])("refuses what ONNX cannot express, pointing at the layer: %s", (text, reason) => {
    const source = analyzeText(text);
    let error: unknown;
    try {
      exportOnnx(source, { weights: new SeededWeights(SEED) });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(NetfigError);
    const [diagnostic] = (error as NetfigError).diagnostics;
    expect(diagnostic!.message).toMatch(/^cannot export/);
    expect(diagnostic!.message).toContain(reason);
    expect(diagnostic!.location!.line).toBeGreaterThan(1);
  });

  it("is a CLI verb: -o model.onnx, exit 2 for another extension, exit 1 for an unexportable layer", async () => {
    const dir = scratchDir("netfig-export-");
    const out = join(dir, "lenet5.onnx");
    expect(await main(["export", "lenet5", "-o", out, "--seed", "3"])).toBe(0);
    expect(Buffer.compare(readFileSync(out), exportOnnx(network("lenet5"), { weights: new SeededWeights(3), version: version() }))).toBe(0);
    const imported = analyze(importOnnx(readFileSync(out), out).graph).networks[0]!;
    expect(imported.totals.params).toBe(61706);
    expect(await main(["export", "lenet5", "-o", join(dir, "lenet5.pb")])).toBe(2);
    const opaque = join(dir, "opaque.netfig");
    writeFileSync(opaque, "input 8x3\nopaque type=Einsum shape=8x3\n");
    expect(await main(["export", opaque, "-o", join(dir, "opaque.onnx")])).toBe(1);
  });
});
