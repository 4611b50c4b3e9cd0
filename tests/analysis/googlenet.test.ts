import { describe, expect, it } from "vitest";
import { summaryOf } from "../helpers/netfig.js";

// Szegedy et al., "Going deeper with convolutions", 2015, Table 1.
describe("GoogLeNet as the paper defines it", () => {
  const layers = summaryOf("templates/googlenet.netfig").layers;
  const module = (name: string) => layers.filter((l) => l.name.startsWith(`${name}.`));

  it.each([
    ["inception_3a", [28, 28, 256], 128],
    ["inception_3b", [28, 28, 480], 304],
    ["inception_4a", [14, 14, 512], 73],
    ["inception_4b", [14, 14, 512], 88],
    ["inception_4c", [14, 14, 512], 100],
    ["inception_4d", [14, 14, 528], 119],
    ["inception_4e", [14, 14, 832], 170],
    ["inception_5a", [7, 7, 832], 54],
    ["inception_5b", [7, 7, 1024], 71],
  ])("%s outputs %j and costs about %iM operations (Table 1's ops column counts MACs)", (name, shape, millions) => {
    const layers = module(name as string);
    expect(layers.at(-1)!.shape).toEqual(shape);
    // Table 1 rounds and slips a little (5a is 51.1M from its own filter counts, not 54M): within 6%.
    const macs = layers.reduce((sum, l) => sum + l.macs, 0) / 1e6;
    expect(Math.abs(macs - (millions as number)) / (millions as number)).toBeLessThan(0.06);
  });

  it("computes the modules' operations exactly from their filter counts (3a: 128,049,152)", () => {
    expect(module("inception_3a").reduce((sum, l) => sum + l.macs, 0)).toBe(28 * 28 * (192 * 64 + 192 * 96 + 96 * 9 * 128 + 192 * 16 + 16 * 25 * 32 + 192 * 32));
  });

  it("has 22 layers with parameters on its main path: 3 before the modules, 2 deep in each of nine, 1 after", () => {
    const main = layers.filter((l) => !l.name.startsWith("aux"));
    const stem = main.filter((l) => l.op === "conv" && !l.name.includes("."));
    expect(stem.map((l) => l.name)).toEqual(["conv1", "conv2", "conv3"]);
    expect(main.filter((l) => l.op === "fc").map((l) => l.name)).toEqual(["fc"]);
    expect(layers.filter((l) => l.op === "concat")).toHaveLength(9);
  });

  it("has both auxiliary classifiers: 5x5/3 average pool to 4x4, 1x1 conv 128, fc 1024, fc 1000", () => {
    for (const [aux, channels] of [["aux1", 512], ["aux2", 528]] as const) {
      const head = module(aux);
      expect(head.find((l) => l.op === "avgpool")!.shape).toEqual([4, 4, channels]);
      expect(head.find((l) => l.op === "conv")!.shape).toEqual([4, 4, 128]);
      expect(head.filter((l) => l.op === "fc").map((l) => l.shape)).toEqual([[1024], [1000]]);
    }
  });
});

describe("VGG-19", () => {
  it("matches torchvision's documented 143,667,240 parameters and 19.63 GMACs", () => {
    const { totals } = summaryOf("templates/vgg19.netfig");
    expect(totals.params).toBe(143_667_240);
    expect(totals.macs / 1e9).toBeCloseTo(19.63, 2);
  });
});
