/**
 * Specification tests for shapes stacked in two lines (`stackShapes`, src/layout/node-geometry.ts
 * and runs.ts): a block's `H×W×C` label becomes the spatial size over the channel count,
 * a square map written `570²` as papers write a 572² input, so each label is about half as
 * wide. Vectors keep their one line; terse labels still write only the channel count where
 * the spatial size does not change; a compact run's shared spatial size is written the same
 * way. The fitter uses it when nothing else fits the width (tests/fit/print.test.ts).
 */
import { describe, expect, it } from "vitest";
import { analyzeSource } from "../../src/pipeline.js";
import { buildScene, figureOf, layout, type LayoutRequest } from "../../src/styles/index.js";
import type { Scene, TextPrimitive } from "../../src/scene/types.js";
import { readProjectFile } from "../helpers/netfig.js";

async function drawn(text: string, request: LayoutRequest = {}) {
  const laidOut = await layout(analyzeSource(text, "net.netfig"), request);
  const figure = figureOf(laidOut, "blocks");
  if (!figure) throw new Error("not drawn as blocks");
  return { figure, scene: buildScene(laidOut), width: laidOut.width };
}

const UNET_ORIGINAL = readProjectFile("templates/unet-original.netfig");
const VGG16 = readProjectFile("templates/vgg16.netfig");
const BLOCK1_FIRST = "block1.repeat_1.0.conv_1";

/** The shape lines one node prints itself, top to bottom. */
function shapeLines(scene: Scene, owner: string): string[] {
  return scene.primitives
    .filter((p): p is TextPrimitive => p.type === "text" && p.role === "label-shape" && p.owner === owner)
    .sort((a, b) => a.at[1] - b.at[1])
    .map((t) => t.text);
}

const shapeTexts = (scene: Scene): string[] =>
  scene.primitives.filter((p): p is TextPrimitive => p.type === "text" && p.role === "label-shape").map((t) => t.text);

describe("the unpadded U-Net (templates/unet-original.netfig) with stackShapes", () => {
  it("writes enc1's first conv, 570×570×64, as 570² over 64, centred on each other", async () => {
    const { scene } = await drawn(UNET_ORIGINAL, { stackShapes: true });
    expect(shapeLines(scene, "enc1.conv_1")).toEqual(["570²", "64"]);
    const [spatial, channels] = scene.primitives.filter((p): p is TextPrimitive => p.type === "text" && p.owner === "enc1.conv_1" && p.role === "label-shape");
    expect(spatial!.anchor).toBe("middle");
    expect(channels!.anchor).toBe("middle");
    expect(Math.abs(spatial!.at[0] - channels!.at[0])).toBeLessThan(0.01);
  });

  it("writes every 3-D shape in two lines: the input 572² over 1, the concat of dec1 392² over 128, outc 388² over 2", async () => {
    const { scene } = await drawn(UNET_ORIGINAL, { stackShapes: true });
    expect(shapeLines(scene, "input")).toEqual(["572²", "1"]);
    expect(shapeLines(scene, "dec1.concat_1")).toEqual(["392²", "128"]);
    expect(shapeLines(scene, "outc")).toEqual(["388²", "2"]);
    expect(shapeTexts(scene).filter((t) => t.includes("×"))).toEqual([]);
  });

  it("with terse labels, a block as large as its input (dec1's concat) prints only its channel count, 128", async () => {
    const { scene } = await drawn(UNET_ORIGINAL, { stackShapes: true, terse: true });
    expect(shapeLines(scene, "dec1.concat_1")).toEqual(["128"]);
    expect(shapeLines(scene, "enc1.conv_2")).toEqual(["568²", "64"]);
  });

  it("makes every block's shape label at most half as wide (570² and 64 against 570×570×64)", async () => {
    const one = await drawn(UNET_ORIGINAL);
    const two = await drawn(UNET_ORIGINAL, { stackShapes: true });
    expect(one.figure.shape).toBe("u");
    expect(two.figure.shape).toBe("u");
    const widest = (scene: Scene, owner: string): number =>
      Math.max(...scene.primitives.filter((p): p is TextPrimitive => p.type === "text" && p.role === "label-shape" && p.owner === owner).map((t) => t.width));
    const owners = one.figure.nodes.filter((n) => n.shape.length === 3).map((n) => n.id);
    expect(owners.length).toBe(36);
    for (const owner of owners) expect(widest(two.scene, owner), owner).toBeLessThanOrEqual(widest(one.scene, owner) * 0.5);
  });
});

describe("other shapes", () => {
  it("a non-square map keeps both sides: 30×46 over 8; a vector keeps its one line, 10", async () => {
    const { scene } = await drawn("input 32x48x3\nc: conv 8 3x3\nflatten\nfc 10\n", { stackShapes: true });
    expect(shapeLines(scene, "c")).toEqual(["30×46", "8"]);
    expect(shapeTexts(scene)).toContain("10");
    expect(shapeTexts(scene)).not.toContain("30×46×8");
  });

  it("a compact run of VGG-16 (block1's two convs) writes its shared spatial size once, 224², the channel count 64 under the slabs", async () => {
    const { scene } = await drawn(VGG16, { compact: true, stackShapes: true });
    expect(shapeLines(scene, BLOCK1_FIRST)).toEqual(["224²"]);
    const channels = scene.primitives.filter((p): p is TextPrimitive => p.type === "text" && p.owner === BLOCK1_FIRST && p.role === "label-channels");
    expect(channels.map((t) => t.text)).toEqual(["64"]);
    expect(shapeLines(scene, "input")).toEqual(["224²", "3"]);
  });

  it("a run of blocks of one shape (VGG-16's block1 convs, not compact) prints the two lines once, over the run", async () => {
    const { scene } = await drawn(VGG16, { stackShapes: true });
    expect(shapeLines(scene, BLOCK1_FIRST)).toEqual(["224²", "64"]);
    expect(shapeLines(scene, "block1.repeat_1.1.conv_1")).toEqual([]);
  });

  it("a file asks for it in its figure block (stackShapes: true); a value that is not true or false is an error naming the key", async () => {
    const net = "input 32x48x3\nc: conv 8 3x3\n";
    const { scene } = await drawn(`figure {\n  stackShapes: true\n}\n${net}`);
    expect(shapeLines(scene, "c")).toEqual(["30×46", "8"]);
    await expect(drawn(`figure {\n  stackShapes: 3\n}\n${net}`)).rejects.toThrow(/stackShapes/);
  });
});
