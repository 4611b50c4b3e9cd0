import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { analyze } from "../../src/analyze/analyze.js";
import { ComputePool } from "../../src/engine/pool.js";
import { SeededWeights } from "../../src/engine/weights.js";
import { runNetwork } from "../../src/execute/run.js";
import { importOnnx } from "../../src/import/onnx/import.js";
import { OnnxWeights } from "../../src/import/onnx/weights.js";
import { analyzeSource } from "../../src/pipeline.js";
import { readProjectFile, root } from "../helpers/netfig.js";
import { scratchDir } from "../helpers/temp.js";

/**
 * Every torchvision classification model as people export it: weights=None, eval mode,
 * torch.onnx.export(export_params=False, opset_version=13), so every parameter is a graph
 * input without values and shapes are computed at run time (Shape → Gather → … → Reshape).
 * The references are PyTorch's own: sum(p.numel()), conv+linear MACs and each leaf
 * module's output shape from forward hooks (tests/fixtures/onnx/torchvision/generate.py).
 */

const FIXTURES = join(root, "tests/fixtures/onnx/torchvision");

/** [module path, module type, output shape (H,W,C), parameters, MACs] at the module's first call. */
type HookedLayer = [string, string, number[], number, number];

interface Reference {
  model: string;
  input: number[];
  output: number[];
  params: number;
  macs: number;
  layers: HookedLayer[];
}

const REFERENCES: Reference[] = readdirSync(FIXTURES)
  .filter((f) => f.endsWith(".json"))
  .map((f) => JSON.parse(readFileSync(join(FIXTURES, f), "utf8")) as Reference);

function load(model: string) {
  const onnx = importOnnx(gunzipSync(readFileSync(join(FIXTURES, `${model}.onnx.gz`))), `${model}.onnx`);
  return { onnx, network: analyze(onnx.graph).networks[0]! };
}

describe("torchvision models exported with export_params=False", () => {
  it("has every family torch.onnx.export can export at opset 13", () => {
    const models = REFERENCES.map((r) => r.model);
    const families = ["alexnet", "vgg11", "vgg11_bn", "vgg16", "vgg19_bn", "googlenet", "inception_v3", "resnet18", "resnet34", "resnet50", "resnet101", "resnet152",
      "resnext50_32x4d", "resnext101_64x4d", "wide_resnet50_2", "densenet121", "densenet201", "squeezenet1_0", "squeezenet1_1", "mobilenet_v2", "mobilenet_v3_small",
      "mobilenet_v3_large", "shufflenet_v2_x0_5", "shufflenet_v2_x2_0", "mnasnet0_5", "mnasnet1_3", "efficientnet_b0", "efficientnet_b7", "efficientnet_v2_s",
      "efficientnet_v2_l", "regnet_x_400mf", "regnet_x_32gf", "regnet_y_400mf", "regnet_y_128gf"];
    expect(models).toEqual(expect.arrayContaining(families));
    expect(models).toHaveLength(64);
  });

  it.each(REFERENCES.map((r) => [r.model, r] as const))("%s: totals are sum(p.numel()) and PyTorch's conv+linear MACs, every hooked layer has its shape, params and MACs", (_name, reference) => {
    const { onnx, network } = load(reference.model);
    expect(network.totals.params).toBe(reference.params);
    expect(network.totals.macs).toBe(reference.macs);
    expect(network.layers[0]!.shape).toEqual(reference.input);
    expect(network.layers[network.layers.length - 1]!.shape).toEqual(reference.output);
    expect(network.layers.filter((l) => l.node.op === "opaque").map((l) => l.node.label)).toEqual([]);
    // The one line that says which input is the image: every other input is a parameter.
    expect(onnx.warnings.map((w) => w.message)).toEqual([expect.stringMatching(/graph inputs are parameters without values \(an export_params=False export\); the network's input is 'input'$/)]);
    const byId = new Map(network.layers.map((l) => [l.node.id, l]));
    for (const [name, type, shape, params, macs] of reference.layers) {
      const layer = byId.get(name);
      // Every module with parameters is a layer of its own, named by its module path.
      if (params > 0 || /Conv|Linear|BatchNorm/.test(type)) expect(layer, `${name} (${type})`).toBeDefined();
      if (layer) expect([layer.shape, layer.params, layer.macs], `${name} (${type})`).toEqual([shape, params, macs]);
    }
  });

  it("ShuffleNet V2's run-time split and shuffle import as slice and shuffle", () => {
    const { network } = load("shufflenet_v2_x1_0");
    const byId = new Map(network.layers.map((l) => [l.node.id, l]));
    // stage2.1: x.chunk(2, dim=1) of 116 channels, computed through Shape/Gather/Add/Div/Mul.
    expect(byId.get("stage2.1")!.node).toMatchObject({ op: "slice", attrs: { channels: 58, from: 0 } });
    expect(byId.get("stage2.1.slice_1")!.node).toMatchObject({ op: "slice", attrs: { channels: 58, from: 58 } });
    expect(network.layers.filter((l) => l.node.op === "shuffle")).toHaveLength(16);
    expect(network.layers.filter((l) => l.node.op === "slice")).toHaveLength(26);
  });

  it("the 1x1 shortcut of a ResNet or RegNet is proj, the last 1x1 conv of an inverted residual stays a conv", () => {
    const resnet = load("resnet50").network;
    const projections = resnet.layers.filter((l) => l.node.op === "proj").map((l) => [l.node.id, l.node.attrs.target]);
    expect(projections).toEqual(["layer1", "layer2", "layer3", "layer4"].map((stage) => [`${stage}.0.downsample.0`, `${stage}.0.bn3`]));
    // RegNet computes the projection first (`self.proj(x) + self.f(x)`): it still becomes proj, after its main branch.
    const regnet = load("regnet_x_400mf").network;
    const blocks = [1, 2, 3, 4].map((b) => `trunk_output.block${b}.block${b}-0`);
    expect(regnet.layers.filter((l) => l.node.op === "proj").map((l) => [l.node.id, l.node.attrs.target])).toEqual(blocks.map((b) => [`${b}.proj.0`, `${b}.f.c.1`]));
    for (const model of ["mobilenet_v2", "mnasnet1_0", "efficientnet_b0"]) {
      expect(load(model).network.layers.filter((l) => l.node.op === "proj").map((l) => l.node.id), model).toEqual([]);
    }
  });

  it("netfig run takes the parameters from the seed and says so in one line", () => {
    const file = join(scratchDir(), "mobilenet_v3_small.onnx");
    writeFileSync(file, gunzipSync(readFileSync(join(FIXTURES, "mobilenet_v3_small.onnx.gz"))));
    const run = spawnSync(process.execPath, [join(root, "bin/netfig.js"), "run", file, "--seed", "3"], { cwd: root, encoding: "utf8" });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toContain("holds no weight values (a graph-only export); using seeded weights (--seed 3)");
  }, 60_000);

  it("runs with seeded weights: torchvision's ResNet-18 gives exactly the resnet18 template's outputs at the same seed", async () => {
    const { onnx, network } = load("resnet18");
    const template = analyzeSource(readProjectFile("templates/resnet18.netfig"), "resnet18.netfig").networks[0]!;
    const pool = new ComputePool(2);
    try {
      const imported = await runNetwork(network, { weights: new OnnxWeights(onnx, new SeededWeights(1), "resnet18.onnx"), pool, seed: 1 });
      const written = await runNetwork(template, { weights: new SeededWeights(1), pool, seed: 1 });
      expect([...imported.keys()]).toEqual(["fc"]);
      expect(imported.get("fc")!.data).toEqual(written.get("fc")!.data);
    } finally {
      await pool.close();
    }
  }, 60_000);
});
