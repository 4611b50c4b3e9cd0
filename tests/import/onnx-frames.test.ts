import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { analyze } from "../../src/analyze/analyze.js";
import type { Network } from "../../src/graph/types.js";
import { importOnnx } from "../../src/import/onnx/import.js";
import { drawnGraph } from "../../src/layout/drawn.js";
import { nameLines } from "../../src/layout/labels.js";
import { analyzeSource } from "../../src/pipeline.js";
import { readProjectFile, root } from "../helpers/netfig.js";
import { encodeModel } from "./onnx-build.js";

const FIXTURES = join(root, "tests/fixtures/onnx");

function imported(name: string): Network {
  return importOnnx(readFileSync(join(FIXTURES, `${name}.onnx`)), `${name}.onnx`).graph.networks[0]!;
}

function frame(network: Network, id: string) {
  const found = network.frames.find((f) => f.id === id);
  if (!found) throw new Error(`no frame ${id}`);
  return found;
}

function node(network: Network, id: string) {
  const found = network.nodes.find((n) => n.id === id);
  if (!found) throw new Error(`no layer ${id}`);
  return found;
}

describe("frames from PyTorch module paths", () => {
  it("ResNet-50: layer1 … layer4 are groups of blocks, and each stage's blocks after the first repeat one shape", () => {
    const net = imported("resnet50");
    expect(net.frames.filter((f) => f.kind === "group").map((f) => f.id)).toEqual(["layer1", "layer2", "layer3", "layer4"]);
    const blocksOf = (group: string) => net.frames.filter((f) => f.kind === "block" && (f.parent === group || frame(net, f.parent!).parent === group));
    expect(["layer1", "layer2", "layer3", "layer4"].map((g) => blocksOf(g).length)).toEqual([3, 4, 6, 3]);
    // layer3.0 strides and projects; layer3.1 … layer3.5 are one bottleneck five times.
    expect(frame(net, "layer3.0#frame")).toMatchObject({ kind: "block", label: "layer3.0", parent: "layer3" });
    expect(frame(net, "layer3.0#frame").repeat).toBeUndefined();
    expect(frame(net, "layer3.repeat")).toMatchObject({ kind: "repeat", label: "×5", parent: "layer3" });
    const instances = blocksOf("layer3").filter((f) => f.repeat);
    expect(instances.map((f) => f.label)).toEqual(["layer3.1", "layer3.2", "layer3.3", "layer3.4", "layer3.5"]);
    expect(instances.map((f) => f.repeat)).toEqual([0, 1, 2, 3, 4].map((index) => ({ index, count: 5, group: "layer3.repeat" })));
    // Layers keep their ids (the residual add is the block's own path) and list their frames outermost first.
    expect(node(net, "layer3.2.conv1").frames).toEqual(["layer3", "layer3.repeat", "layer3.2#frame"]);
    expect(node(net, "layer3.2").op).toBe("add");
    expect(node(net, "layer3.0.downsample.0").frames).toEqual(["layer3", "layer3.0#frame"]);
    expect(node(net, "conv1").frames).toEqual([]);
    expect(node(net, "fc").frames).toEqual([]);
    // Frame ids never clash with layer ids: they share the layout's namespace.
    const ids = [...net.nodes.map((n) => n.id), ...net.frames.map((f) => f.id)];
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("ResNet-18: a stage of two equal blocks is itself the repeat, as `layer1: repeat 2 basic(64)` writes it", () => {
    const net = imported("resnet18");
    expect(frame(net, "layer1")).toMatchObject({ kind: "repeat", label: "×2" });
    expect(frame(net, "layer1.1#frame").repeat).toEqual({ index: 1, count: 2, group: "layer1" });
    expect(node(net, "layer1.1.conv2").frames).toEqual(["layer1", "layer1.1#frame"]);
    // The first block of the other stages strides and projects: nothing repeats there.
    for (const stage of ["layer2", "layer3", "layer4"]) expect(frame(net, stage).kind).toBe("group");
    expect(net.frames.filter((f) => f.repeat).length).toBe(2);
  });

  it("ResNet-50 folded from ONNX draws what the written template draws", () => {
    const fromOnnx = drawnGraph(analyze({ file: "resnet50.onnx", networks: [imported("resnet50")], figure: {} }).networks[0]!, { fold: true, foldRepeats: true });
    const written = drawnGraph(analyzeSource(readProjectFile("templates/resnet50.netfig"), "resnet50.netfig").networks[0]!, { fold: true, foldRepeats: true });
    expect(fromOnnx.nodes.length).toBe(written.nodes.length);
    expect(fromOnnx.edges.length).toBe(written.edges.length);
    expect(fromOnnx.frames.map((f) => f.repeat ?? 1)).toEqual(written.frames.map((f) => f.repeat ?? 1));
    expect(fromOnnx.frames.filter((f) => f.repeat).map((f) => `${f.label} ×${f.repeat}`)).toEqual(["layer1.1 ×2", "layer2.1 ×3", "layer3.1 ×5", "layer4.1 ×2"]);
  });

  it("MobileNet-V2: features.N are blocks, equal neighbours repeat, and no frame wraps the whole `features`", () => {
    const net = imported("mobilenet_v2");
    expect(net.frames.filter((f) => f.kind === "block").map((f) => f.label)).toEqual(Array.from({ length: 19 }, (_, i) => `features.${i}`));
    expect(net.frames.filter((f) => f.kind === "repeat").map((f) => f.label)).toEqual(["×2", "×3", "×2", "×2"]);
    expect(frame(net, "features.9#frame").repeat).toEqual({ index: 1, count: 3, group: "features.repeat_2" });
    // features.2 strides into 24 channels; features.3 keeps them and adds its input back: not a repeat of it.
    expect(frame(net, "features.3#frame").repeat).toBeUndefined();
    expect(node(net, "features.1.conv.0.0").frames).toEqual(["features.1"]);
    expect(net.frames.some((f) => f.id === "features")).toBe(false);
  });

  it("DenseNet-121: denseblocks are groups of denselayers, transitions are blocks, and growing inputs repeat nothing", () => {
    const net = imported("densenet121");
    const groups = net.frames.filter((f) => f.kind === "group");
    expect(groups.map((f) => f.label)).toEqual(["denseblock1", "denseblock2", "denseblock3", "denseblock4"]);
    expect(groups.map((g) => net.frames.filter((f) => f.parent === g.id).length)).toEqual([6, 12, 24, 16]);
    expect(net.frames.filter((f) => f.kind === "block" && f.parent === undefined).map((f) => f.label)).toEqual(["transition1", "transition2", "transition3"]);
    expect(net.frames.some((f) => f.repeat)).toBe(false);
  });

  it("SqueezeNet: Fire modules with equal outputs but different inputs are not repeats", () => {
    const net = imported("squeezenet1_1");
    expect(net.frames.map((f) => f.label)).toEqual(["3", "4", "6", "7", "9", "10", "11", "12"].map((i) => `features.${i}`));
    expect(net.frames.some((f) => f.repeat)).toBe(false);
  });

  it("frames follow the ids when a wrapper's prefix is trimmed, and a lone container (`blocks`) gets no frame", () => {
    const block = (i: number, from: string) => [
      { op: "Relu", name: `/model/blocks/blocks.${i}/a/Relu`, inputs: [from], outputs: [`r${i}`] },
      { op: "Sigmoid", name: `/model/blocks/blocks.${i}/b/Sigmoid`, inputs: [`r${i}`], outputs: [`s${i}`] },
    ];
    const net = importOnnx(encodeModel({ input: [1, 3, 8, 8], nodes: [...block(0, "x"), ...block(1, "s0"), ...block(2, "s1"), { op: "Tanh", name: "/model/head/Tanh", inputs: ["s2"], outputs: ["y"] }] }), "wrapped.onnx").graph.networks[0]!;
    expect(net.nodes.map((n) => n.id)).toContain("blocks.1.a");
    expect(net.frames.map((f) => [f.id, f.kind, f.label, f.parent])).toEqual([
      ["blocks.repeat", "repeat", "×3", undefined],
      ["blocks.0", "block", "blocks.0", "blocks.repeat"],
      ["blocks.1", "block", "blocks.1", "blocks.repeat"],
      ["blocks.2", "block", "blocks.2", "blocks.repeat"],
    ]);
    expect(node(net, "blocks.1.a").frames).toEqual(["blocks.repeat", "blocks.1"]);
    expect(node(net, "head").frames).toEqual([]);
  });

  it("VGG-16 and AlexNet, Sequentials of single layers, get no frames", () => {
    expect(imported("vgg16").frames).toEqual([]);
    expect(imported("alexnet").frames).toEqual([]);
  });

  it("names layers for the figure: nested Sequential indices back to a named part, an op outside any module by its op", () => {
    const analyzed = analyze({ file: "mobilenet_v2.onnx", networks: [imported("mobilenet_v2")], figure: {} }).networks[0]!;
    const names = new Map(drawnGraph(analyzed, { fold: true, foldRepeats: false }).nodes.map((n) => [n.id, nameLines(n).join("\n")]));
    expect(names.get("features.1.conv.0.0")).toBe("conv.0.0");
    expect(names.get("features.1.conv.1")).toBe("conv.1");
    expect(names.get("features.18.0")).toBe("features.18.0");
    expect(names.get("classifier.1")).toBe("classifier.1");
    // `/GlobalAveragePool` comes from a call in `forward`, not a module: its id is made up.
    expect(node(analyzed.network, "globalaveragepool").autoNamed).toBe(true);
    expect(names.get("globalaveragepool")).toBe("globalavgpool");
  });
});
