import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { root, summaryOf } from "../helpers/netfig.js";
import type { SummaryLayer } from "../../src/analyze/summary.js";

/**
 * Per-layer shapes and counts against fixtures produced by PyTorch itself
 * (tests/fixtures/torch/generate_analysis.py, torch 1.13 / torchvision 0.14).
 * Layers with weights or a window are compared in execution order.
 */
interface TorchLayer {
  name: string;
  type: string;
  shape: number[];
  params: number;
  macs: number;
}

const TORCH_TYPE: Record<string, string> = {
  conv: "Conv2d",
  proj: "Conv2d",
  deconv: "ConvTranspose2d",
  bn: "BatchNorm2d",
  fc: "Linear",
  maxpool: "MaxPool2d",
  lrn: "LocalResponseNorm",
};
const COMPARED = new Set(Object.values(TORCH_TYPE));

function fixture(name: string): { layers: TorchLayer[]; totals: { params: number; macs: number } } {
  return JSON.parse(readFileSync(`${root}/tests/fixtures/torch/analysis/${name}.json`, "utf8"));
}

const comparable = (layer: { type: string; shape: number[]; params: number; macs: number }) => ({
  type: layer.type,
  shape: layer.shape,
  params: layer.params,
  macs: layer.macs,
});

function ours(path: string): ReturnType<typeof comparable>[] {
  return summaryOf(path)
    .layers.filter((l: SummaryLayer) => TORCH_TYPE[l.op])
    .map((l) => comparable({ ...l, type: TORCH_TYPE[l.op]! }));
}

describe.each([
  ["resnet18", "templates/resnet18.netfig"],
  ["resnet34", "templates/resnet34.netfig"],
  ["resnet50", "templates/resnet50.netfig"],
  ["vgg16", "templates/vgg16.netfig"],
  ["googlenet", "tests/fixtures/netfig/googlenet-torchvision.netfig"],
  ["alexnet_caffe", "templates/alexnet.netfig"],
  ["alexnet_caffe", "tests/fixtures/netfig/alexnet-groups.netfig"],
  ["lenet5", "templates/lenet5.netfig"],
  ["inception_naive", "templates/inception-naive.netfig"],
  ["inception_bottleneck", "templates/inception-bottleneck.netfig"],
])("PyTorch's %s against %s", (model, path) => {
  const reference = fixture(model);

  it("has the same conv, bn, fc, pool and LRN layers with the same shapes, params and MACs", () => {
    const expected = reference.layers.filter((l) => COMPARED.has(l.type)).map(comparable);
    expect(ours(path)).toEqual(expected);
  });

  it("has the same totals", () => {
    const { totals } = summaryOf(path);
    expect({ params: totals.params, macs: totals.macs }).toEqual(reference.totals);
  });
});

describe("ResNet-18 named as torchvision names it", () => {
  it("matches every conv, bn and fc layer by its PyTorch module name", () => {
    const layers = new Map(summaryOf("templates/resnet18.netfig").layers.map((l) => [l.name, l]));
    const named = fixture("resnet18").layers.filter((l) => ["Conv2d", "BatchNorm2d", "Linear"].includes(l.type));
    expect(named.length).toBe(41);
    for (const reference of named) {
      const layer = layers.get(reference.name);
      expect(layer, reference.name).toBeDefined();
      expect([layer!.shape, layer!.params, layer!.macs], reference.name).toEqual([reference.shape, reference.params, reference.macs]);
    }
  });
});
