import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { checkScene } from "../../src/scene/check.js";
import type { Scene, TextPrimitive } from "../../src/scene/types.js";
import { FIGURES, sceneOf, sceneOfSource } from "../render/figures.js";

const TEMPLATES = new URL("../../templates/", import.meta.url).pathname;

function label(text: string, at: [number, number], owner: string): TextPrimitive {
  return { type: "text", role: "label-name", owner, text, at, anchor: "start", font: { family: "sans", weight: "normal", style: "normal", size: 10 }, color: "#000000", width: text.length * 6 };
}

describe("checkScene finds what a reviewer would circle", () => {
  it("two labels on top of each other", () => {
    const scene: Scene = { width: 100, height: 100, background: "none", primitives: [label("conv1", [10, 20], "a"), label("conv2", [14, 22], "b")] };
    expect(checkScene(scene).map((p) => p.kind)).toEqual(["label-overlap"]);
  });

  it("a label lying on another layer's block, but not on its own", () => {
    const face = { type: "polygon" as const, role: "block-face", owner: "b", points: [[0, 0], [40, 0], [40, 40], [0, 40]] as [number, number][], paint: { fill: "#ffffff" } };
    expect(checkScene({ width: 100, height: 100, background: "none", primitives: [face, label("x", [5, 20], "a")] }).map((p) => p.kind)).toEqual(["label-on-block"]);
    expect(checkScene({ width: 100, height: 100, background: "none", primitives: [face, label("x", [5, 20], "b")] })).toEqual([]);
  });

  it("an edge that stops short of its target", () => {
    const box = (owner: string, x: number) => ({ type: "polygon" as const, role: "block-face", owner, points: [[x, 0], [x + 10, 0], [x + 10, 10], [x, 10]] as [number, number][], paint: {} });
    const edge = (endX: number) => ({
      type: "path" as const,
      role: "edge",
      owner: "a->b",
      link: { from: "a", to: "b" },
      commands: [{ op: "M" as const, to: [10, 5] as [number, number] }, { op: "L" as const, to: [endX, 5] as [number, number] }],
      paint: {},
    });
    expect(checkScene({ width: 100, height: 20, background: "none", primitives: [box("a", 0), box("b", 50), edge(50)] })).toEqual([]);
    expect(checkScene({ width: 100, height: 20, background: "none", primitives: [box("a", 0), box("b", 50), edge(45)] }).map((p) => p.kind)).toEqual(["edge-detached"]);
  });
});

describe("every figure passes the geometric check", () => {
  for (const figure of FIGURES) {
    it(figure.name, async () => {
      expect(checkScene(await sceneOf(figure.file, figure.options))).toEqual([]);
    }, 30_000);
  }
  for (const file of readdirSync(TEMPLATES).filter((f) => f.endsWith(".netfig")).sort()) {
    it(`template ${file}`, async () => {
      expect(checkScene(await sceneOf(TEMPLATES + file))).toEqual([]);
    }, 60_000);
  }
});

describe("kernel pyramids", () => {
  it("are drawn whichever way the figure flows, one per conv or pool fed by a tensor", async () => {
    const src = "input 32x32x3\nconv 8 5x5 -> relu\nmaxpool 2x2/2\nconv 16 3x3\n";
    for (const direction of ["right", "down"] as const) {
      const scene = await sceneOfSource(src, { pyramids: true, direction });
      expect(scene.primitives.filter((p) => p.role === "pyramid").length).toBe(3);
      const kernels = scene.primitives.filter((p) => p.role === "kernel");
      expect(kernels.length).toBe(3);
      // Flowing down the patch lies on the hidden bottom face, so it is outlined dashed.
      for (const k of kernels) expect(k.type === "polygon" && k.paint.stroke?.dash !== undefined).toBe(direction === "down");
    }
  });
});
