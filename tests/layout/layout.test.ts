import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { analyzeSource } from "../../src/pipeline.js";
import { figureOf, layout } from "../../src/styles/index.js";
import { blockExtent } from "../../src/layout/scale.js";
import type { Point } from "../../src/scene/types.js";

/** The blocks figure of a network: its positioned nodes, edges and frames. */
const blocksOf = async (laidOut: ReturnType<typeof layout>) => figureOf(await laidOut, "blocks")!;
const laid = (text: string, options = {}) => blocksOf(layout(analyzeSource(text, "t.netfig"), options));

const CHAIN = `
input 32x32x1
c1: conv 6 5x5 -> relu
s2: maxpool 2x2/2
c3: conv 16 5x5 -> relu
flatten
fc 10
`;

const RESIDUAL = `
input 56x56x64
block basic(c) {
  add {
    conv c 3x3 pad=1 -> bn -> relu -> conv c 3x3 pad=1 -> bn
    shortcut
  }
  relu
}
b1: basic(64)
b2: basic(64)
`;

const horizontal = (pts: Point[]): boolean => pts.every((p) => Math.abs(p[1] - pts[0]![1]) < 0.01);

describe("block sizes", () => {
  it("grow with channels along the flow and with spatial size across it, clamped at both ends", () => {
    const thin = blockExtent([224, 224, 3], "right", "log");
    const deep = blockExtent([7, 7, 2048], "right", "log");
    expect(deep.x).toBeGreaterThan(thin.x);
    expect(thin.y).toBeGreaterThan(deep.y);
    expect(thin.x).toBeGreaterThanOrEqual(4);
    expect(blockExtent([7, 7, 100000], "right", "log").x).toBe(deep.x);
  });

  it("draw vectors as thin tall bars", () => {
    const bar = blockExtent([4096], "right", "log");
    expect(bar.y).toBeGreaterThan(5 * bar.x);
  });

  it("turn with the flow: channels run down when the figure does", () => {
    const right = blockExtent([56, 56, 64], "right", "log");
    const down = blockExtent([56, 56, 64], "down", "log");
    expect(down.y).toBe(right.x);
    expect(down.x).toBe(right.y);
  });

  it("linear and sqrt scales spread channel counts more than log", () => {
    const spread = (scale: "log" | "sqrt" | "linear") => blockExtent([8, 8, 512], "right", scale).x / blockExtent([8, 8, 64], "right", scale).x;
    expect(spread("sqrt")).toBeGreaterThan(spread("log"));
    expect(spread("linear")).toBeGreaterThan(spread("sqrt"));
  });
});

describe("layout", () => {
  it("draws the main path of a chain as straight, single-segment edges", async () => {
    const g = await laid(CHAIN);
    expect(g.edges.length).toBe(g.nodes.length - 1);
    for (const e of g.edges) {
      expect(e.points.length).toBe(2);
      expect(horizontal(e.points)).toBe(true);
    }
  });

  it("folds activations into the block they follow as bands, and flatten into the arrow", async () => {
    const g = await laid(CHAIN);
    expect(g.nodes.map((n) => n.id)).toEqual(["input", "c1", "s2", "c3", "fc"].map((id) => g.nodes.find((n) => n.id.startsWith(id))!.id));
    expect(g.nodes.find((n) => n.id === "c1")!.bands.map((b) => b.op)).toEqual(["relu"]);
    const unfolded = await laid(CHAIN, { fold: false });
    expect(unfolded.nodes.length).toBe(8);
  });

  it("sends residual shortcuts over the blocks they skip into the ⊕ from above", async () => {
    const g = await laid(RESIDUAL);
    const sums = g.nodes.filter((n) => n.kind === "sum");
    expect(sums.length).toBe(2);
    for (const sum of sums) {
      const shortcut = g.edges.find((e) => e.to === sum.id && e.shortcut)!;
      const main = g.edges.find((e) => e.to === sum.id && !e.shortcut)!;
      expect(horizontal(main.points)).toBe(true);
      const end = shortcut.points[shortcut.points.length - 1]!;
      const highest = Math.min(...shortcut.points.map((p) => p[1]));
      expect(end[1]).toBeLessThanOrEqual(sum.box.y + 0.01);
      // It rises above every block between its ends.
      const skipped = g.nodes.filter((n) => n.kind === "block" && n.box.x > shortcut.points[0]![0] && n.box.x < end[0]);
      expect(skipped.length).toBeGreaterThan(0);
      for (const n of skipped) expect(highest).toBeLessThan(n.box.y);
    }
  });

  it("draws towers as parallel lanes, lane 1 above lane 2, in one frame", async () => {
    const g = await laid(`
input 227x227x3
towers 2 {
  conv1: conv 96 11x11/4 -> relu -> maxpool 3x3/2
  conv2: conv 256 5x5 pad=2 cross -> relu
}
flatten
fc 10
`);
    const lane = (i: number) => g.nodes.filter((n) => n.id.endsWith(`/${i}`));
    expect(lane(1).length).toBe(3);
    const y1 = lane(1).map((n) => n.box.y + n.box.height / 2);
    const y2 = lane(2).map((n) => n.box.y + n.box.height / 2);
    for (let i = 0; i < y1.length; i++) expect(y1[i]!).toBeLessThan(y2[i]!);
    expect(new Set(y1.map((y) => Math.round(y))).size).toBe(1);
    expect(g.frames.map((f) => f.label.text)).toEqual(["2 towers"]);
    // Cross connections: each conv2 reads both lanes.
    expect(g.edges.filter((e) => e.to.startsWith("conv2")).length).toBe(4);
  });

  it("runs GoogLeNet's main path straight, fans symmetric about it, aux classifiers below", async () => {
    const g = await blocksOf(layout(analyzeSource(readFileSync(new URL("../../templates/googlenet.netfig", import.meta.url), "utf8"), "googlenet.netfig")));
    const byId = new Map(g.nodes.map((n) => [n.id, n]));
    const axisOf = (id: string): number => {
      const e = g.edges.find((x) => x.to === id && !x.shortcut) ?? g.edges.find((x) => x.from === id)!;
      return e.to === id ? e.points[e.points.length - 1]![1] : e.points[0]![1];
    };
    const main = ["input", "conv1", "pool2", "inception_3a", "inception_4a", "inception_4e", "inception_5b", "fc"].map(
      (prefix) => g.nodes.find((n) => n.id === prefix || n.id === `${prefix}.concat` || n.id.startsWith(`${prefix}.`) && n.op === "concat")!.id,
    );
    const axis = axisOf(main[0]!);
    for (const id of main) expect(Math.abs(axisOf(id) - axis)).toBeLessThan(0.01);
    // Each Inception module's four branches sit symmetrically about the path.
    const firsts = g.nodes.filter((n) => n.id.startsWith("inception_3a.") && n.op !== "concat" && g.edges.some((e) => e.to === n.id && !e.from.startsWith("inception_3a.")));
    expect(firsts.length).toBe(4);
    const centres = firsts.map((n) => axisOf(n.id)).sort((a, b) => a - b);
    expect(Math.abs((centres[0]! + centres[3]!) / 2 - axis)).toBeLessThan(0.01);
    // The auxiliary classifiers hang below the path, level with each other.
    const aux = ["aux1", "aux2"].map((p) => g.nodes.filter((n) => n.id.startsWith(`${p}.`)));
    for (const nodes of aux) {
      expect(nodes.length).toBeGreaterThan(2);
      for (const n of nodes) expect(n.box.y).toBeGreaterThan(Math.max(...g.nodes.filter((m) => !m.id.startsWith("aux")).map((m) => byId.get(m.id)!.box.y)) - 1e-6);
    }
  });

  it("lets the network's figure block set options and the request override them", async () => {
    const src = `figure {\n  theme: mono\n  direction: down\n}\ninput 8x8x3\nconv 4 3x3\n`;
    const options = async (request = {}) => (await layout(analyzeSource(src, "t.netfig"), request)).options;
    expect((await options()).theme).toBe("mono");
    expect((await options()).direction).toBe("down");
    expect((await options({ theme: "visio" })).theme).toBe("visio");
  });

  it("returns plain data that survives JSON", async () => {
    const g = await layout(analyzeSource(RESIDUAL, "t.netfig"));
    expect(JSON.parse(JSON.stringify(g))).toEqual(g);
  });
});
