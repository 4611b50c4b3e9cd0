import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { root, summaryOf } from "../helpers/netfig.js";

/**
 * The templates built from issue 11's layer kinds against PyTorch twins of the same
 * networks (tests/fixtures/torch/generate_kinds.py, torch 1.13): output shape, the
 * parameters of every layer that has any, and the total, which PyTorch counts once for a
 * module used twice (the Siamese tower).
 */
interface TorchNetwork {
  output: number[];
  params: Record<string, number>;
  total: number;
}
const networks: Record<string, TorchNetwork> = JSON.parse(readFileSync(`${root}/tests/fixtures/torch/kinds.json`, "utf8")).networks;

const ours = (template: string) => {
  const summary = summaryOf(`templates/${template}.netfig`);
  return {
    output: summary.layers.at(-1)!.shape,
    params: summary.layers.map((l) => l.params).filter((p) => p > 0),
    total: summary.totals.params,
  };
};

describe.each([
  // [template, twin, whether the twin's modules are listed in execution order]
  ["siamese", "siamese", true],
  ["segnet", "segnet", true],
  ["text-classifier", "text_classifier", true],
  // PyTorch lists the U-Net's modules by kind (down, up, dec), not in the order they run.
  ["unet-original", "unet_original", false],
] as const)("%s against its PyTorch twin", (template, twin, executionOrder) => {
  const torch = networks[twin]!;
  const mine = ours(template);

  it(`has PyTorch's output shape ${torch.output.join("×")}`, () => {
    expect(mine.output).toEqual(torch.output);
  });

  it(`has PyTorch's ${torch.total.toLocaleString("en")} parameters, layer by layer`, () => {
    const expected = Object.values(torch.params);
    expect(executionOrder ? mine.params : [...mine.params].sort((a, b) => a - b)).toEqual(executionOrder ? expected : [...expected].sort((a, b) => a - b));
    expect(mine.total).toBe(torch.total);
  });
});

describe("the Siamese network of issue 11 (Koch et al., 2015)", () => {
  it("counts its shared tower once: 38,951,745 parameters, as PyTorch does, not 77,899,393", () => {
    expect(networks.siamese!.total).toBe(38_951_745);
    const summary = summaryOf("templates/siamese.netfig");
    expect(summary.totals.params).toBe(38_951_745);
    const tower = summary.layers.filter((l) => l.name.startsWith("left.")).reduce((s, l) => s + l.params, 0);
    expect(summary.totals.params + tower).toBe(77_899_393);
  });

  it("names the layer each shared one reuses", () => {
    const summary = summaryOf("templates/siamese.netfig");
    const shared = summary.layers.filter((l) => l.shares !== undefined).map((l) => [l.name, l.shares]);
    expect(shared).toEqual([
      ["right.conv_1", "left.conv_1"],
      ["right.conv_2", "left.conv_2"],
      ["right.conv_3", "left.conv_3"],
      ["right.conv_4", "left.conv_4"],
      ["right.fc_1", "left.fc_1"],
    ]);
    expect(summary.layers.filter((l) => l.name.startsWith("right.")).every((l) => l.params === 0)).toBe(true);
  });
});

describe("U-Net as Ronneberger et al. (2015) drew it", () => {
  const summary = summaryOf("templates/unet-original.netfig");
  const shape = (name: string) => summary.layers.find((l) => l.name === name)!.shape;

  it("crops each skip to the upsampled map: 64² → 56², 136² → 104², 280² → 200², 568² → 392² (figure 1)", () => {
    expect(["dec4.skip", "dec3.skip", "dec2.skip", "dec1.skip"].map(shape)).toEqual([
      [56, 56, 512],
      [104, 104, 256],
      [200, 200, 128],
      [392, 392, 64],
    ]);
  });

  it("takes a 572×572 tile to a 388×388 map of two classes", () => {
    expect(summary.inputs).toEqual([[572, 572, 1]]);
    expect(shape("outc")).toEqual([388, 388, 2]);
  });
});

describe("SegNet (Badrinarayanan et al., 2017)", () => {
  const summary = summaryOf("templates/segnet.netfig");
  it("unpools each stage back to its pool's input size, 11×15 → 22×30 → 45×60 → 90×120 → 180×240 → 360×480", () => {
    const unpools = summary.layers.filter((l) => l.op === "maxunpool").map((l) => l.shape.slice(0, 2));
    expect(unpools).toEqual([
      [22, 30],
      [45, 60],
      [90, 120],
      [180, 240],
      [360, 480],
    ]);
  });
});
