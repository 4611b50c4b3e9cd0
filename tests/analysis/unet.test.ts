/**
 * templates/unet.netfig against PyTorch: the padded U-Net as milesial/Pytorch-UNet builds it
 * (UNet(3, 2), bilinear=False), counted by tests/fixtures/torch/unet.py with torch 1.13.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { analyzeSource } from "../../src/pipeline.js";

const root = new URL("../..", import.meta.url).pathname;
const reference = JSON.parse(readFileSync(join(root, "tests/fixtures/torch/unet.json"), "utf8")) as {
  params: number;
  macs: number;
  output: number[];
};

describe("U-Net (templates/unet.netfig)", () => {
  const analyzed = analyzeSource(readFileSync(join(root, "templates/unet.netfig"), "utf8"), "unet.netfig");
  const network = analyzed.networks[0]!;
  const last = network.layers[network.layers.length - 1]!;

  it(`has PyTorch's ${reference.params.toLocaleString("en")} parameters and ${reference.macs.toLocaleString("en")} MACs`, () => {
    expect(network.layers.reduce((s, l) => s + l.params, 0)).toBe(reference.params);
    expect(network.layers.reduce((s, l) => s + l.macs, 0)).toBe(reference.macs);
  });

  it("maps a 256×256×3 image to 256×256 two-class scores", () => {
    expect(last.shape).toEqual(reference.output);
  });
});
