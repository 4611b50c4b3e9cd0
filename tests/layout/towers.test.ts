/**
 * Specification tests for towers with cross connections, laid out directly
 * (src/layout/direct/cross.ts): each lane one straight row, its layers in the same columns
 * as the other lanes'; every cross connection an orthogonal line along a bus across the
 * lanes in the gap between two columns, through no block; rows broken at a crossing, the
 * lanes meeting in one return line; and ELK only for crossings that are not full.
 */
import { describe, expect, it } from "vitest";
import { analyzeSource } from "../../src/pipeline.js";
import { checkScene } from "../../src/scene/check.js";
import { buildScene, figureOf, layout, type LayoutRequest } from "../../src/styles/index.js";
import type { LaidOutEdge, LaidOutNode } from "../../src/layout/types.js";
import { readProjectFile } from "../helpers/netfig.js";

const ALEXNET = readProjectFile("templates/alexnet.netfig");

/** Three lanes, crossing at the second and fourth layer only, and into the line after the towers. */
const THREE = `
input 64x64x3
towers 3 {
  a: conv 48 3x3 pad=1 -> relu
  b: conv 96 3x3 pad=1 cross -> relu -> maxpool 2x2/2
  c: conv 96 3x3 pad=1
  d: conv 192 3x3 pad=1 cross -> relu
  e: conv 192 3x3 pad=1 -> maxpool 2x2/2
}
flatten
fc 10
`;

async function figure(text: string, request: LayoutRequest = {}) {
  const laidOut = await layout(analyzeSource(text, "t.netfig"), request);
  const blocks = figureOf(laidOut, "blocks");
  if (!blocks) throw new Error("not drawn as blocks");
  return { laidOut, blocks };
}

const lanesOf = (nodes: LaidOutNode[], base: string) => nodes.filter((n) => n.id.startsWith(`${base}/`)).sort((a, b) => a.id.localeCompare(b.id));
/** An edge from one lane (`conv3/1`) into another (`conv3/2`). */
const laneOf = (id: string) => /\/(\d+)$/.exec(id)?.[1];
const isCross = (e: LaidOutEdge) => laneOf(e.from) !== undefined && laneOf(e.to) !== undefined && laneOf(e.from) !== laneOf(e.to);

/** The height of a block's in port (its axis when flowing right): where the edges into it end. */
function portAxis(edges: LaidOutEdge[], n: LaidOutNode): number {
  const ends = edges.filter((e) => e.to === n.id).map((e) => e.points[e.points.length - 1]![1]);
  expect(ends.length).toBeGreaterThan(0);
  return ends[0]!;
}

/** Whether an orthogonal segment runs through the inside of a box. */
function through(a: [number, number], b: [number, number], n: LaidOutNode): boolean {
  const { x, y, width, height } = n.box;
  const [x0, x1] = [Math.min(a[0], b[0]), Math.max(a[0], b[0])];
  const [y0, y1] = [Math.min(a[1], b[1]), Math.max(a[1], b[1])];
  return x0 < x + width - 0.01 && x1 > x + 0.01 && y0 < y + height - 0.01 && y1 > y + 0.01;
}

function expectNoEdgeThroughBlocks(edges: LaidOutEdge[], nodes: LaidOutNode[]): void {
  for (const e of edges) {
    for (let i = 1; i < e.points.length; i++) {
      for (const n of nodes) {
        if (n.id === e.from || n.id === e.to) continue;
        expect(through(e.points[i - 1]!, e.points[i]!, n), `${e.from} → ${e.to} runs through ${n.id}`).toBe(false);
      }
    }
  }
}

describe("AlexNet (templates/alexnet.netfig): two towers crossing at conv3, fc6 and fc7", () => {
  it("is laid out directly (no ELK), one row, every edge attached", async () => {
    const { laidOut, blocks } = await figure(ALEXNET, { layout: "direct" });
    expect(blocks.shape).toBe("line");
    expect(blocks.rows).toBe(1);
    expect(checkScene(buildScene(laidOut)).filter((p) => p.kind === "edge-detached")).toEqual([]);
  });

  it("draws each tower as one straight row, lane 1 above lane 2, the lanes' layers in the same columns", async () => {
    const { blocks } = await figure(ALEXNET);
    const axis = (n: LaidOutNode) => portAxis(blocks.edges, n);
    const bases = ["conv1", "pool1", "conv2", "pool2", "conv3", "conv4", "conv5", "pool5", "fc6", "fc7"];
    const rows = [1, 2].map((lane) => bases.map((b) => blocks.nodes.find((n) => n.id === `${b}/${lane}`)!));
    for (const row of rows) for (const n of row) expect(axis(n)).toBeCloseTo(axis(row[0]!), 6);
    expect(axis(rows[0]![0]!)).toBeLessThan(axis(rows[1]![0]!));
    for (let i = 0; i < bases.length; i++) expect(rows[0]![i]!.box.x).toBeCloseTo(rows[1]![i]!.box.x, 6);
  });

  it("runs the cross connections into one column along one bus between the columns, through no block", async () => {
    const { blocks } = await figure(ALEXNET);
    const byId = new Map(blocks.nodes.map((n) => [n.id, n]));
    // Caffe's bvlc_alexnet: conv3, fc6 and fc7 read both towers; two cross edges each.
    const cross = blocks.edges.filter(isCross);
    expect(cross.map((e) => `${e.from}→${e.to}`).sort()).toEqual(
      ["fc6/1→fc7/2", "fc6/2→fc7/1", "pool2/1→conv3/2", "pool2/2→conv3/1", "pool5/1→fc6/2", "pool5/2→fc6/1"],
    );
    for (const target of ["conv3", "fc6", "fc7"]) {
      const into = cross.filter((e) => e.to.startsWith(`${target}/`));
      const buses = new Set<number>();
      for (const e of into) {
        expect(e.points.length).toBe(4);
        const [, b, c] = e.points;
        expect(b![0]).toBeCloseTo(c![0], 6);
        buses.add(Math.round(b![0] * 1000));
        // Between the end of the column it leaves and the start of the one it enters.
        const from = byId.get(e.from)!;
        const to = byId.get(e.to)!;
        expect(b![0]).toBeGreaterThan(from.box.x + from.box.width);
        expect(b![0]).toBeLessThan(to.box.x);
      }
      expect(buses.size).toBe(1);
    }
    expectNoEdgeThroughBlocks(blocks.edges, blocks.nodes);
  });

  it("draws compact when asked (ELK could not): conv3–conv5 slabs face to face in each lane", async () => {
    const { blocks } = await figure(ALEXNET, { compact: true });
    expect(blocks.shape).toBe("line");
    for (const lane of [1, 2]) {
      const [c3, c4] = ["conv3", "conv4"].map((b) => blocks.nodes.find((n) => n.id === `${b}/${lane}`)!);
      expect(c4!.box.x).toBeLessThan(c3!.box.x + c3!.box.width);
    }
  });

  it("flowing down: each tower one column, lane 1 left of lane 2, crossings along a horizontal bus", async () => {
    const { blocks } = await figure(ALEXNET, { direction: "down" });
    expect(blocks.shape).toBe("line");
    const centre = (n: LaidOutNode) => n.box.x + n.box.width / 2;
    for (const base of ["conv1", "conv3", "pool5", "fc7"]) {
      const [l1, l2] = lanesOf(blocks.nodes, base);
      expect(centre(l1!)).toBeLessThan(centre(l2!));
      expect(l1!.box.y).toBeCloseTo(l2!.box.y, 6);
    }
    for (const e of blocks.edges.filter(isCross)) expect(e.points[1]![1]).toBeCloseTo(e.points[2]![1], 6);
    expectNoEdgeThroughBlocks(blocks.edges, blocks.nodes);
  });

  it("in two rows, breaks at a crossing: both towers' conv1…pool2 above, conv3…fc7 below, the lanes meeting in one return line", async () => {
    const { laidOut, blocks } = await figure(ALEXNET, { rows: 2 });
    expect(blocks.rows).toBe(2);
    const bottom = (base: string) => Math.max(...lanesOf(blocks.nodes, base).map((n) => n.box.y + n.box.height));
    const top = (base: string) => Math.min(...lanesOf(blocks.nodes, base).map((n) => n.box.y));
    expect(top("conv3")).toBeGreaterThan(bottom("pool2"));
    expect(top("conv1")).toBeLessThan(top("conv3"));
    // The four edges pool2/i → conv3/j all run through the same point between the rows.
    const handOver = blocks.edges.filter((e) => e.from.startsWith("pool2/") && e.to.startsWith("conv3/"));
    expect(handOver.length).toBe(4);
    const between = (e: LaidOutEdge) => e.points.filter((p) => p[1] > bottom("pool2") && p[1] < top("conv3")).map((p) => p.join(","));
    const shared = between(handOver[0]!).filter((p) => handOver.every((e) => between(e).includes(p)));
    expect(shared.length).toBeGreaterThan(0);
    expect(checkScene(buildScene(laidOut)).filter((p) => p.kind === "edge-detached")).toEqual([]);
    expectNoEdgeThroughBlocks(blocks.edges, blocks.nodes);
  });

  it("asked for 4 rows, makes 3 rather than leave the input alone on a row (its only break before the towers' first crossing)", async () => {
    const { blocks } = await figure(ALEXNET, { rows: 4 });
    expect(blocks.rows).toBe(3);
    const input = blocks.nodes.find((n) => n.id === "input")!;
    const conv1 = blocks.nodes.find((n) => n.id === "conv1/1")!;
    // conv1 shares the input's row: it starts above the input's bottom.
    expect(conv1.box.y).toBeLessThan(input.box.y + input.box.height);
  });
});

describe("three towers crossing at some layers only", () => {
  it("keeps the three lanes straight and aligned, each crossing on one bus, the lanes' own edges straight", async () => {
    const { blocks } = await figure(THREE, { layout: "direct" });
    expect(blocks.shape).toBe("line");
    const axis = (n: LaidOutNode) => portAxis(blocks.edges, n);
    for (const base of ["a", "b", "c", "d", "e"]) {
      const lanes = lanesOf(blocks.nodes, base);
      expect(lanes.length).toBe(3);
      for (const n of lanes) expect(n.box.x).toBeCloseTo(lanes[0]!.box.x, 6);
      expect(axis(lanes[0]!)).toBeLessThan(axis(lanes[1]!));
      expect(axis(lanes[1]!)).toBeLessThan(axis(lanes[2]!));
    }
    // b and d read all three lanes: 3 × 2 cross edges each; a, c and e read their own lane.
    const cross = blocks.edges.filter(isCross);
    expect(cross.filter((e) => e.to.startsWith("b/")).length).toBe(6);
    expect(cross.filter((e) => e.to.startsWith("d/")).length).toBe(6);
    expect(cross.length).toBe(12);
    for (const target of ["b", "d"]) expect(new Set(cross.filter((e) => e.to.startsWith(`${target}/`)).map((e) => e.points[1]![0].toFixed(3))).size).toBe(1);
    for (const e of blocks.edges.filter((x) => /^[abcde]\//.test(x.to) && laneOf(x.from) === laneOf(x.to))) {
      expect(e.points.every((p) => Math.abs(p[1] - e.points[0]![1]) < 0.01), `${e.from} → ${e.to} is straight`).toBe(true);
    }
    expectNoEdgeThroughBlocks(blocks.edges, blocks.nodes);
  });
});

describe("towers whose lanes hold residual blocks and fans, crossing after each", () => {
  const RESIDUAL = `
input 32x32x16
towers 2 {
  stem: conv 32 3x3 pad=1 -> relu
  add {
    conv 32 3x3 pad=1 -> relu -> conv 32 3x3 pad=1
    shortcut
  }
  mix: conv 64 3x3 pad=1 cross -> relu
  concat {
    conv 32 1x1
    conv 32 3x3 pad=1
  }
  out: conv 64 1x1 cross
}
globalavgpool
fc 10
`;
  it("keeps each lane's ⊕ and concat in one column, one bus into mix and one into out, no edge through a block", async () => {
    const { laidOut, blocks } = await figure(RESIDUAL, { layout: "direct" });
    expect(blocks.shape).toBe("line");
    for (const op of ["add", "concat"]) {
      const merges = blocks.nodes.filter((n) => n.op === op);
      expect(merges.length).toBe(2);
      expect(merges[0]!.box.x).toBeCloseTo(merges[1]!.box.x, 6);
    }
    for (const base of ["stem", "mix", "out"]) {
      const [l1, l2] = lanesOf(blocks.nodes, base);
      expect(l1!.box.x).toBeCloseTo(l2!.box.x, 6);
    }
    const cross = blocks.edges.filter(isCross);
    expect(cross.length).toBe(4);
    for (const target of ["mix", "out"]) expect(new Set(cross.filter((e) => e.to.startsWith(`${target}/`)).map((e) => e.points[1]![0].toFixed(3))).size).toBe(1);
    expectNoEdgeThroughBlocks(blocks.edges, blocks.nodes);
    expect(checkScene(buildScene(laidOut))).toEqual([]);
  });
});

describe("a crossing that is not full", () => {
  // c reads its own lane's a and both lanes' b: a feeds more than the next column.
  const PARTIAL = `
input 32x32x3
towers 2 {
  a: conv 32 3x3 pad=1
  b: conv 32 3x3 pad=1 cross
  c: concat from a, b
}
flatten
fc 10
`;
  it("is left to ELK: the direct layout refuses it, auto draws it as a graph", async () => {
    await expect(figure(PARTIAL, { layout: "direct" })).rejects.toThrow(/not a chain of series and parallel parts/);
    const { blocks } = await figure(PARTIAL);
    expect(blocks.shape).toBe("graph");
  });
});
