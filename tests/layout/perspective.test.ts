/**
 * The perspective camera's shape labels sit as close to their blocks as the oblique
 * camera's: the layout reserves room for every direction a block may recede in, then moves
 * each label in to the block as drawn (src/layout/perspective.ts). Issue 11 measured
 * ~24 pt between label and block in perspective against ~5 pt oblique.
 */
import { describe, expect, it } from "vitest";
import { analyzeSource } from "../../src/pipeline.js";
import { checkScene } from "../../src/scene/check.js";
import type { Primitive, TextPrimitive } from "../../src/scene/types.js";
import { buildScene, layout } from "../../src/styles/index.js";
import { readProjectFile } from "../helpers/netfig.js";

const NEAR = 200;

/** For each shape label: the distance from its baseline down to the top of the nearest block under it (or beside what is under it). */
async function gaps(template: string, camera: "oblique" | "perspective", rows: number): Promise<number[]> {
  const graph = analyzeSource(readProjectFile(`templates/${template}.netfig`), `${template}.netfig`);
  const scene = buildScene(await layout(graph, { style: "blocks", camera: { kind: camera }, rows }));
  const faces = scene.primitives.filter((p): p is Extract<Primitive, { type: "polygon" }> => p.type === "polygon" && p.role === "block-face");
  const labels = scene.primitives.filter((p): p is TextPrimitive => p.type === "text" && p.role === "label-shape");
  expect(checkScene(scene), `${template} ${camera} rows ${rows}`).toEqual([]);
  return labels.map((l) => {
    const left = l.anchor === "middle" ? l.at[0] - l.width / 2 : l.anchor === "end" ? l.at[0] - l.width : l.at[0];
    const tops = faces
      // A run's shared label is centred over the run, perhaps over the gap between two bars, and clears the run's
      // highest block: the blocks it stands over are near, not all under it.
      .filter((f) => Math.min(...f.points.map((p) => p[0])) <= left + l.width + NEAR && Math.max(...f.points.map((p) => p[0])) >= left - NEAR && Math.min(...f.points.map((p) => p[1])) > l.at[1])
      .map((f) => Math.min(...f.points.map((p) => p[1])));
    return Math.min(...tops) - l.at[1];
  });
}

describe("shape labels over perspective blocks", () => {
  it.each([
    ["vgg16", 1],
    ["vgg16", 3],
    ["resnet18", 2],
    ["alexnet-single", 1],
  ] as const)("%s in %i row(s): as close as oblique", async (template, rows) => {
    const oblique = await gaps(template, "oblique", rows);
    const perspective = await gaps(template, "perspective", rows);
    // Oblique: the label gap (3 pt) plus the shape font's descent, the same over every block.
    const gap = oblique[0]!;
    for (const g of oblique) expect(g).toBeCloseTo(gap, 1);
    expect(gap).toBeLessThan(6);
    expect(perspective).toHaveLength(oblique.length);
    for (const g of perspective) {
      expect(g).toBeGreaterThan(0);
      expect(g).toBeLessThanOrEqual(gap + 0.5);
    }
  });
});
