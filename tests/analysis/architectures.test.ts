import { describe, expect, it } from "vitest";
import { summaryOf } from "../helpers/netfig.js";

// Totals from the papers and from torchvision (tests/fixtures/torch/analysis/*.json).
describe("classic architectures", () => {
  it("LeNet-5 (modern variant, 32x32x1) has 61,706 parameters", () => {
    expect(summaryOf("templates/lenet5.netfig").totals.params).toBe(61_706);
  });

  it.each([
    ["two towers", "templates/alexnet.netfig"],
    ["groups=2", "tests/fixtures/netfig/alexnet-groups.netfig"],
  ])("AlexNet as Caffe defines it, written with %s: conv1 55x55x96, 60,965,224 params, 724,406,816 MACs", (_how, path) => {
    const summary = summaryOf(path);
    expect(summary.layers.find((l) => l.name === "conv1")!.shape).toEqual([55, 55, 96]);
    expect(summary.totals.params).toBe(60_965_224);
    expect(summary.totals.macs).toBe(724_406_816);
  });

  it("the two AlexNet spellings agree layer by layer", () => {
    const strip = (path: string) => summaryOf(path).layers.map(({ name, shape, params, macs }) => ({ name, shape, params, macs }));
    const towers = strip("templates/alexnet.netfig").filter((l) => !l.name.startsWith("flatten"));
    const groups = strip("tests/fixtures/netfig/alexnet-groups.netfig").filter((l) => !l.name.startsWith("flatten"));
    expect(towers).toEqual(groups);
  });

  it("AlexNet's single-tower variant matches torchvision's alexnet: 61,100,840 params, 714,188,480 MACs (tests/fixtures/onnx/alexnet.json)", () => {
    const { totals } = summaryOf("templates/alexnet-single.netfig");
    expect([totals.params, totals.macs]).toEqual([61_100_840, 714_188_480]);
  });

  it("ZFNet has the map sizes of Zeiler & Fergus 2014, Fig. 3, with CS231n's 512/1024/512 filters in conv3-5", () => {
    const layers = summaryOf("templates/zfnet.netfig").layers;
    const shape = (name: string) => layers.find((l) => l.name === name)!.shape;
    expect(shape("conv1")).toEqual([110, 110, 96]);
    expect(shape("maxpool_1")).toEqual([55, 55, 96]);
    expect(shape("conv2")).toEqual([26, 26, 256]);
    expect(shape("maxpool_2")).toEqual([13, 13, 256]);
    expect([shape("conv3"), shape("conv4"), shape("conv5")]).toEqual([[13, 13, 512], [13, 13, 1024], [13, 13, 512]]);
    expect(shape("maxpool_3")).toEqual([6, 6, 512]);
  });

  it("VGG-16 has 138,357,544 params and 15,470,264,320 MACs", () => {
    const { totals } = summaryOf("templates/vgg16.netfig");
    expect([totals.params, totals.macs]).toEqual([138_357_544, 15_470_264_320]);
  });

  it("ResNet-18 has 11,689,512 params, 1,814,073,344 MACs and stage outputs 112, 56, 28, 14, 7", () => {
    const summary = summaryOf("templates/resnet18.netfig");
    expect([summary.totals.params, summary.totals.macs]).toEqual([11_689_512, 1_814_073_344]);
    const stageOutput = (stage: string) => summary.layers.filter((l) => l.name.startsWith(`${stage}.`)).at(-1)!.shape;
    expect(summary.layers.find((l) => l.name === "conv1")!.shape).toEqual([112, 112, 64]);
    expect(["layer1", "layer2", "layer3", "layer4"].map(stageOutput)).toEqual([
      [56, 56, 64],
      [28, 28, 128],
      [14, 14, 256],
      [7, 7, 512],
    ]);
  });

  it.each([
    ["resnet34", 21_797_672, 3_663_761_408],
    ["resnet50", 25_557_032, 4_089_184_256],
  ])("%s matches the PyTorch fixture's totals exactly", (name, params, macs) => {
    const { totals } = summaryOf(`templates/${name}.netfig`);
    expect(totals.params).toBe(params);
    expect(totals.macs).toBe(macs);
  });

  // torchvision's model documentation: num_params exactly, GFLOPS (its word for GMACs) to two decimals.
  it.each([
    ["resnet101", 44_549_160, 7.8],
    ["resnet152", 60_192_808, 11.51],
  ])("%s matches torchvision's documented parameters and GMACs", (name, params, gmacs) => {
    const { totals } = summaryOf(`templates/${name}.netfig`);
    expect(totals.params).toBe(params);
    expect(totals.macs / 1e9).toBeCloseTo(gmacs, 2);
  });
});
