/**
 * What issue 11 found drawn wrongly, each case the network, what the figure must show and
 * where it comes from: the ReLU after a residual addition (He et al. 2016, fig. 2; in
 * torchvision's BasicBlock), DenseNet's transitions (Huang et al. 2017, BN-ReLU-conv-pool),
 * frames named by instance (SqueezeNet's fire2…fire9, U-Net's inc/down1…), a folded layer's
 * own name (a VAE's `h`), identity as the arrow it is.
 */
import { describe, expect, it } from "vitest";
import type { LayoutRequest } from "../../src/styles/index.js";
import { analyzeSource } from "../../src/pipeline.js";
import { buildScene, figureOf, layout } from "../../src/styles/index.js";
import type { TextPrimitive } from "../../src/scene/types.js";
import { readProjectFile } from "../helpers/netfig.js";

async function blocks(file: string, request: LayoutRequest = {}) {
  const analyzed = analyzeSource(readProjectFile(file), file);
  const laidOut = await layout(analyzed, { style: "blocks", ...request });
  return { figure: figureOf(laidOut, "blocks")!, scene: buildScene(laidOut) };
}

const texts = (scene: { primitives: unknown[] }, role: string): string[] =>
  (scene.primitives as TextPrimitive[]).filter((p) => p.type === "text" && p.role === role).map((p) => p.text);

describe("ResNet-18 (templates/resnet18.netfig): the ReLU after each addition", () => {
  it.each([false, true])("is a band beside each of the 8 ⊕ (fold-repeats %s)", async (foldRepeats) => {
    const { figure, scene } = await blocks("templates/resnet18.netfig", { foldRepeats });
    const sums = figure.nodes.filter((n) => n.kind === "sum");
    // 8 basic blocks; folding layer1's repeat draws its first block for both.
    expect(sums).toHaveLength(foldRepeats ? 7 : 8);
    for (const sum of sums) expect(sum.bands.map((b) => b.op), sum.id).toEqual(["relu"]);
    expect(scene.primitives.filter((p) => p.role === "sum-band")).toHaveLength(sums.length);
    if (foldRepeats) expect(sums.find((s) => s.id === "layer1.0.add_1")!.bands[0]!.standsFor).toEqual(["layer1.0.relu_2", "layer1.1.relu_2"]);
  });
});

describe("DenseNet (tests/fixtures/figures/densenet-small.netfig)", () => {
  it.each([false, true])("keeps each transition's BN and ReLU in the transition: the BN a block with the ReLU as its band (fold-repeats %s)", async (foldRepeats) => {
    const { figure } = await blocks("tests/fixtures/figures/densenet-small.netfig", { foldRepeats });
    for (const t of ["transition1", "transition2"]) {
      const norm = figure.nodes.find((n) => n.id === `${t}.norm`);
      expect(norm?.bands.map((b) => b.id), t).toEqual([`${t}.relu`]);
      expect(norm?.frame, t).toBe(t);
    }
    // The dense blocks' last concats carry no band of the transition after them, nor its name.
    for (const n of figure.nodes.filter((n) => n.op === "concat")) expect(n.bands, n.id).toEqual([]);
  });

  it("draws each dense layer's identity branch as the arrow into its concat, not as a block", async () => {
    const { figure } = await blocks("tests/fixtures/figures/densenet-small.netfig", { fold: false });
    expect(figure.nodes.filter((n) => n.op === "identity")).toEqual([]);
    const arrow = figure.edges.find((e) => e.standsFor.includes("denseblock1.0.identity_1"));
    expect(arrow && [arrow.from, arrow.to]).toEqual(["input", "denseblock1.0.concat_1"]);
  });
});

describe("frames carry the instance's name, the block kind beside it", () => {
  it("SqueezeNet 1.0 (tests/fixtures/figures/squeezenet.netfig): fire2 … fire9, whose names already say fire", async () => {
    const { figure } = await blocks("tests/fixtures/figures/squeezenet.netfig");
    expect(figure.frames.map((f) => f.label.text)).toEqual([2, 3, 4, 5, 6, 7, 8, 9].map((i) => `fire${i}`));
  });

  it("an instance whose name does not say its block gets the block beside it: enc3 (conv_block)", async () => {
    const text = "block conv_block(c) {\n  conv c 3x3 pad=1 -> relu\n  conv c 3x3 pad=1 -> relu\n}\ninput 32x32x3\nenc1: conv_block(16)\nenc2: conv_block(32)\nenc3: conv_block(64)\n";
    const laidOut = await layout(analyzeSource(text, "enc.netfig"), { style: "blocks" });
    expect(figureOf(laidOut, "blocks")!.frames.map((f) => f.label.text)).toEqual(["enc1 (conv_block)", "enc2 (conv_block)", "enc3 (conv_block)"]);
  });

  it("U-Net (templates/unet.netfig): inc (double), the stages down1…up4 by name, each around its one double", async () => {
    const { figure } = await blocks("templates/unet.netfig");
    const labels = figure.frames.map((f) => f.label.text);
    expect(labels).toContain("inc (double)");
    for (const g of ["down1", "down2", "down3", "down4", "up1", "up2", "up3", "up4"]) expect(labels, g).toContain(g);
    // The stage already names its one block instance: `double`, not `down1.0 (double)`.
    expect(labels.filter((l) => l === "double")).toHaveLength(8);
    expect(labels.filter((l) => /\.0 /.test(l))).toEqual([]);
  });

  it("ResNet-18: layer2.0 (basic_down), layer2.1 (basic); folded, layer1's one instance is layer1 (basic) ×2", async () => {
    const plain = (await blocks("templates/resnet18.netfig")).figure.frames.map((f) => f.label.text);
    expect(plain).toEqual(expect.arrayContaining(["layer1 ×2", "layer1.0 (basic)", "layer1.1 (basic)", "layer2", "layer2.0 (basic_down)", "layer2.1 (basic)"]));
    const folded = (await blocks("templates/resnet18.netfig", { foldRepeats: true })).figure.frames.map((f) => f.label.text);
    expect(folded).toContain("layer1 (basic)  ×2");
    expect(folded.filter((l) => l.startsWith("layer1.0"))).toEqual([]);
  });
});

describe("a VAE (tests/fixtures/figures/vae.netfig)", () => {
  it("labels the fc blocks after the named ReLUs folded into them: h and d, not fc", async () => {
    const { scene } = await blocks("tests/fixtures/figures/vae.netfig");
    const names = texts(scene, "label-name");
    expect(names).toEqual(expect.arrayContaining(["x", "h", "mu", "logvar", "z", "d", "out"]));
    expect(names).not.toContain("fc");
  });
});

describe("identity and opaque layers (tests/fixtures/figures/opaque.netfig)", () => {
  it.each([true, false])("identity is the arrow into the concat, never a block (fold %s)", async (fold) => {
    const { figure } = await blocks("tests/fixtures/figures/opaque.netfig", { fold });
    expect(figure.nodes.filter((n) => n.op === "identity")).toEqual([]);
    expect(figure.edges.filter((e) => e.standsFor.includes("identity_1")).map((e) => e.to)).toEqual(["concat_1"]);
  });

  it("an opaque Einsum is listed in the legend as Einsum, in a colour of its own, not as a reshape", async () => {
    const { figure, scene } = await blocks("tests/fixtures/figures/opaque.netfig", { fold: false });
    const legend = texts(scene, "legend-text");
    expect(legend).toContain("Einsum");
    expect(legend.filter((t) => t.includes("opaque"))).toEqual([]);
    expect(legend).toContain("Reshape (flatten)");
    expect(figure.nodes.find((n) => n.id === "mix")!.category).toBe("opaque");
  });
});
