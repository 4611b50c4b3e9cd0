import { describe, expect, it } from "vitest";
import { summaryOf } from "../helpers/netfig.js";

/**
 * He, Zhang, Ren & Sun, "Deep Residual Learning for Image Recognition", CVPR 2016,
 * section 4.2 and Table 6: the CIFAR-10 networks of 6n+2 layers (3×3 convs, stages of
 * 16/32/64 filters on 32×32, 16×16 and 8×8 maps, global average pooling, a 10-way fc),
 * with option-A shortcuts, so residual and plain nets have the same parameters.
 * Table 6 gives 0.27M for ResNet-20 and 0.85M for ResNet-56.
 */
const conv3 = (cin: number, cout: number) => cin * cout * 9;
const bn = (c: number) => 2 * c;
/** The exact count for n blocks per stage, as PyTorch counts it (convs without bias, BN γ and β, fc with bias). */
function expected(n: number): number {
  const stem = conv3(3, 16) + bn(16);
  const stage = (cin: number, c: number) => conv3(cin, c) + bn(c) + conv3(c, c) + bn(c) + (n - 1) * 2 * (conv3(c, c) + bn(c));
  return stem + stage(16, 16) + stage(16, 32) + stage(32, 64) + 64 * 10 + 10;
}
const millions = (n: number) => Math.round(n / 1e4) / 100;

describe("the CIFAR-10 ResNets of He et al. (2016), Table 6", () => {
  it("ResNet-20 has 269,722 parameters: the paper's 0.27M", () => {
    const total = summaryOf("templates/resnet20-cifar.netfig").totals.params;
    expect(total).toBe(expected(3));
    expect(total).toBe(269_722);
    expect(millions(total)).toBe(0.27);
  });

  it("ResNet-56 has 853,018 parameters: the paper's 0.85M", () => {
    const total = summaryOf("templates/resnet56-cifar.netfig").totals.params;
    expect(total).toBe(expected(9));
    expect(total).toBe(853_018);
    expect(millions(total)).toBe(0.85);
  });

  it("the plain 20-layer net has ResNet-20's parameters: option-A shortcuts add none", () => {
    expect(summaryOf("templates/plain20-cifar.netfig").totals.params).toBe(269_722);
  });

  it("the plain 56-layer net of Fig. 1 has ResNet-56's parameters", () => {
    expect(summaryOf("templates/plain56-cifar.netfig").totals.params).toBe(853_018);
  });

  it("the networks have 6n+2 weighted layers and end on 8×8×64 before pooling", () => {
    for (const [path, layers] of [
      ["templates/resnet20-cifar.netfig", 20],
      ["templates/resnet56-cifar.netfig", 56],
      ["templates/plain20-cifar.netfig", 20],
      ["templates/plain56-cifar.netfig", 56],
    ] as const) {
      const summary = summaryOf(path);
      expect(summary.layers.filter((l) => l.op === "conv" || l.op === "fc").length, path).toBe(layers);
      expect(summary.layers.find((l) => l.name === "avgpool")!.shape, path).toEqual([1, 1, 64]);
      expect(summary.layers.find((l) => l.name.startsWith("layer3.") && l.shape.length === 3)!.shape, path).toEqual([8, 8, 64]);
    }
  });
});
