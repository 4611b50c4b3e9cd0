/**
 * Specification tests for label economy and compact stages (src/layout/runs.ts): blocks
 * one after another on the path (same frame) with the same shape label print it once,
 * centred over the run, and their shared name/detail lines once; compact runs (one
 * spatial size) are slabs face to face with no arrow between them, the spatial size once,
 * a channel count where it changes, and one name (`conv1–3`).
 */
import { describe, expect, it } from "vitest";
import { analyzeSource } from "../../src/pipeline.js";
import { buildScene, figureOf, layout, type LayoutRequest } from "../../src/styles/index.js";
import type { Scene, TextPrimitive, PolygonPrimitive, PathPrimitive } from "../../src/scene/types.js";
import { readProjectFile } from "../helpers/netfig.js";

async function drawn(name: string, request: LayoutRequest = {}) {
  const laidOut = await layout(analyzeSource(readProjectFile(`templates/${name}.netfig`), `${name}.netfig`), request);
  const figure = figureOf(laidOut, "blocks");
  if (!figure) throw new Error(`${name} was not drawn as blocks`);
  return { figure, scene: buildScene(laidOut) };
}

const texts = (scene: Scene, text: string): TextPrimitive[] => scene.primitives.filter((p): p is TextPrimitive => p.type === "text" && p.text === text);

/** The horizontal extent of a node's drawn faces in the scene. */
function facesX(scene: Scene, owner: string): [number, number] {
  const xs = scene.primitives.filter((p): p is PolygonPrimitive => p.type === "polygon" && p.role === "block-face" && p.owner === owner).flatMap((p) => p.points.map((q) => q[0]));
  if (xs.length === 0) throw new Error(`no faces drawn for ${owner}`);
  return [Math.min(...xs), Math.max(...xs)];
}

const B1 = ["block1.repeat_1.0.conv_1", "block1.repeat_1.1.conv_1"];

describe("label economy (VGG-16, templates/vgg16.netfig, default options)", () => {
  it('prints "224×224×64" once for block1\'s two convs, centred over the pair', async () => {
    const { scene } = await drawn("vgg16");
    const shape = texts(scene, "224×224×64");
    expect(shape).toHaveLength(1);
    const [left] = facesX(scene, B1[0]!);
    const [, right] = facesX(scene, B1[1]!);
    expect(shape[0]!.anchor).toBe("middle");
    expect(Math.abs(shape[0]!.at[0] - (left + right) / 2)).toBeLessThan(1);
  });

  it("prints each stage's shared conv name and kernel once: 5 \"conv\" and 5 \"3×3\" for 13 convs", async () => {
    const { scene, figure } = await drawn("vgg16");
    expect(figure.nodes.filter((n) => n.op === "conv")).toHaveLength(13);
    expect(texts(scene, "conv").filter((t) => t.role === "label-name")).toHaveLength(5);
    expect(texts(scene, "3×3")).toHaveLength(5);
  });

  it("still prints a shape on every block whose shape differs from its neighbour's (each maxpool)", async () => {
    const { scene } = await drawn("vgg16");
    for (const s of ["112×112×64", "56×56×128", "28×28×256", "7×7×512"]) expect(texts(scene, s), s).toHaveLength(1);
  });

  it("never runs across a frame: block4's maxpool and block5's convs are all 14×14×512 but print it twice (frames block4, block5)", async () => {
    const { scene } = await drawn("vgg16");
    expect(texts(scene, "14×14×512")).toHaveLength(2);
  });
});

describe("compact stages (VGG-16, compact: true)", () => {
  it("draws no arrow between block1's two convs and sets the slabs face to face", async () => {
    const { figure, scene } = await drawn("vgg16", { compact: true });
    const edge = figure.edges.find((e) => e.from === B1[0] && e.to === B1[1])!;
    expect(edge).toBeDefined();
    expect(edge.points).toEqual([]);
    const paths = scene.primitives.filter((p): p is PathPrimitive => p.type === "path" && p.link?.from === B1[0] && p.link?.to === B1[1]);
    expect(paths).toEqual([]);
    const [a, b] = B1.map((id) => figure.nodes.find((n) => n.id === id)!);
    expect(Math.abs(b!.origin[0] - (a!.origin[0] + a!.extent.x))).toBeLessThan(0.01);
    expect(Math.abs(b!.origin[1] - a!.origin[1])).toBeLessThan(0.01);
  });

  it('prints "224×224" once and the channel count "64" once for block1', async () => {
    const { scene } = await drawn("vgg16", { compact: true });
    expect(texts(scene, "224×224")).toHaveLength(1);
    expect(texts(scene, "64")).toHaveLength(1);
    expect(texts(scene, "224×224×64")).toHaveLength(0);
  });

  it("keeps an arrow into and out of each compact run", async () => {
    const { figure } = await drawn("vgg16", { compact: true });
    for (const e of figure.edges) {
      const within = e.from.replace(/\.\d+\.conv_1$/, "") === e.to.replace(/\.\d+\.conv_1$/, "") && /repeat_1/.test(e.from);
      if (within) expect(e.points, e.id).toEqual([]);
      else expect(e.points.length, e.id).toBeGreaterThanOrEqual(2);
    }
  });
});

describe("compact bottlenecks (ResNet-50, templates/resnet50.netfig, compact: true)", () => {
  it('names a stride-1 bottleneck\'s three convs once: "conv1–3"', async () => {
    const { figure, scene } = await drawn("resnet50", { compact: true });
    const conv1 = figure.nodes.find((n) => n.id === "layer1.1.conv1")!;
    const names = conv1.labels.filter((l) => l.role === "label-name").map((l) => l.text);
    expect(names).toEqual(["conv1–3"]);
    for (const id of ["layer1.1.conv2", "layer1.1.conv3"]) {
      expect(figure.nodes.find((n) => n.id === id)!.labels.filter((l) => l.role === "label-name"), id).toEqual([]);
    }
    expect(texts(scene, "conv1–3").length).toBeGreaterThan(0);
    // The three slabs touch.
    const [a, b, c] = ["layer1.1.conv1", "layer1.1.conv2", "layer1.1.conv3"].map((id) => figure.nodes.find((n) => n.id === id)!);
    expect(Math.abs(b!.origin[0] - (a!.origin[0] + a!.extent.x))).toBeLessThan(0.01);
    expect(Math.abs(c!.origin[0] - (b!.origin[0] + b!.extent.x))).toBeLessThan(0.01);
  });

  it('names a strided bottleneck\'s run after the stride "conv2–3" (conv1 has the larger size and stands alone)', async () => {
    const { figure } = await drawn("resnet50", { compact: true });
    const conv2 = figure.nodes.find((n) => n.id === "layer2.0.conv2")!;
    expect(conv2.labels.filter((l) => l.role === "label-name").map((l) => l.text)).toEqual(["conv2–3"]);
    const conv1 = figure.nodes.find((n) => n.id === "layer2.0.conv1")!;
    expect(conv1.labels.filter((l) => l.role === "label-name").map((l) => l.text)).toEqual(["conv1"]);
  });
});
