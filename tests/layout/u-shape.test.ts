/**
 * Specification tests for encoder–decoders drawn as a U (src/layout/direct/u-shape.ts): one
 * path plus at least two nested skips, flowing right, one level a row, encoder on the left,
 * decoder on the right, every skip a straight horizontal line, the bottleneck the lowest row.
 */
import { describe, expect, it } from "vitest";
import { analyzeSource } from "../../src/pipeline.js";
import { figureOf, layout, type LayoutRequest } from "../../src/styles/index.js";
import type { LaidOutNode } from "../../src/layout/types.js";
import { readProjectFile } from "../helpers/netfig.js";

async function blocks(text: string, request: LayoutRequest = {}) {
  const laidOut = await layout(analyzeSource(text, "u.netfig"), request);
  const figure = figureOf(laidOut, "blocks");
  if (!figure) throw new Error("not drawn as blocks");
  return { figure, width: laidOut.width, height: laidOut.height };
}

const UNET = readProjectFile("templates/unet.netfig");

/** Nodes clustered into rows by overlapping vertical extents, top to bottom. */
function levels(nodes: LaidOutNode[]): LaidOutNode[][] {
  const sorted = [...nodes].sort((a, b) => a.box.y - b.box.y);
  const out: { bottom: number; nodes: LaidOutNode[] }[] = [];
  for (const n of sorted) {
    const last = out[out.length - 1];
    if (last && n.box.y < last.bottom) {
      last.nodes.push(n);
      last.bottom = Math.max(last.bottom, n.box.y + n.box.height);
    } else out.push({ bottom: n.box.y + n.box.height, nodes: [n] });
  }
  return out.map((l) => l.nodes);
}

const node = (nodes: LaidOutNode[], id: string): LaidOutNode => {
  const n = nodes.find((m) => m.id === id);
  if (!n) throw new Error(`no node ${id}`);
  return n;
};

describe("U-Net (templates/unet.netfig) is drawn as a U", () => {
  it("has 5 rows, one per level", async () => {
    const { figure } = await blocks(UNET);
    expect(figure.shape).toBe("u");
    expect(figure.rows).toBe(5);
    expect(levels(figure.nodes)).toHaveLength(5);
  });

  it("draws each skip (an encoder's last block into a decoder's concat) as one horizontal 2-point line crossing no block", async () => {
    const { figure } = await blocks(UNET);
    const skips: [string, string][] = [
      ["inc.conv_2", "up4.concat_1"],
      ["down1.0.conv_2", "up3.concat_1"],
      ["down2.0.conv_2", "up2.concat_1"],
      ["down3.0.conv_2", "up1.concat_1"],
    ];
    for (const [from, to] of skips) {
      const e = figure.edges.find((x) => x.from === from && x.to === to);
      expect(e, `${from} -> ${to}`).toBeDefined();
      expect(e!.points, e!.id).toHaveLength(2);
      const [[x0, y0], [x1, y1]] = e!.points as [[number, number], [number, number]];
      expect(Math.abs(y1 - y0), e!.id).toBeLessThan(0.01);
      expect(x1, e!.id).toBeGreaterThan(x0);
      for (const n of figure.nodes) {
        if (n.id === from || n.id === to) continue;
        const crosses = n.box.x < x1 - 0.01 && n.box.x + n.box.width > x0 + 0.01 && n.box.y < y0 && n.box.y + n.box.height > y0;
        expect(crosses, `${e!.id} runs through ${n.id}`).toBe(false);
      }
    }
  });

  it("steps the encoder down (maxpools at strictly increasing y) and the decoder up (concats at strictly decreasing y)", async () => {
    const { figure } = await blocks(UNET);
    const pools = ["down1", "down2", "down3", "down4"].map((s) => node(figure.nodes, `${s}.maxpool_1`).box.y);
    const concats = ["up1", "up2", "up3", "up4"].map((s) => node(figure.nodes, `${s}.concat_1`).box.y);
    for (let i = 1; i < 4; i++) {
      expect(pools[i]!).toBeGreaterThan(pools[i - 1]!);
      expect(concats[i]!).toBeLessThan(concats[i - 1]!);
    }
    // Each decoder level sits on the row of the encoder level it merges with.
    const rows = levels(figure.nodes);
    const rowOf = (id: string) => rows.findIndex((r) => r.some((n) => n.id === id));
    expect(rowOf("up4.concat_1")).toBe(rowOf("inc.conv_2"));
    expect(rowOf("up1.concat_1")).toBe(rowOf("down3.0.conv_2"));
    // Encoder on the left of its row, decoder on the right.
    expect(node(figure.nodes, "up1.concat_1").box.x).toBeGreaterThan(node(figure.nodes, "down3.0.conv_2").box.x);
  });

  it("puts the bottleneck (down4) on the lowest row", async () => {
    const { figure } = await blocks(UNET);
    const rows = levels(figure.nodes);
    const bottom = rows[rows.length - 1]!.map((n) => n.id);
    for (const id of ["down4.maxpool_1", "down4.0.conv_1", "down4.0.conv_2"]) expect(bottom).toContain(id);
  });

  it("is as wide as its widest level, not as long as the network", async () => {
    const { figure, width } = await blocks(UNET);
    const rows = levels(figure.nodes);
    // The blocks end to end would be more than twice as long as the U is wide.
    const path = figure.nodes.reduce((sum, n) => sum + n.box.width, 0);
    expect(width).toBeLessThan(path / 2);
    // And the widest level fills it: the top row spans most of the figure.
    const top = rows[0]!;
    const span = Math.max(...top.map((n) => n.box.x + n.box.width)) - Math.min(...top.map((n) => n.box.x));
    expect(span).toBeGreaterThan(0.8 * width);
  });

  it("keeps skips horizontal with compact slabs (compact: true)", async () => {
    const { figure } = await blocks(UNET, { compact: true });
    expect(figure.shape).toBe("u");
    const e = figure.edges.find((x) => x.from === "down2.0.conv_2" && x.to === "up2.concat_1")!;
    expect(e.points).toHaveLength(2);
    expect(Math.abs(e.points[0]![1] - e.points[1]![1])).toBeLessThan(0.01);
  });
});

describe("not a U", () => {
  it("a network with one skip is drawn as a line", async () => {
    const { figure } = await blocks(`
input 64x64x3
e1: conv 16 3x3 pad=1
p1: maxpool 2x2/2
b: conv 32 3x3 pad=1
u1: deconv 16 2x2/2
c1: concat from e1, u1
d1: conv 16 3x3 pad=1
out: conv 2 1x1
`);
    expect(figure.shape).toBe("line");
    expect(figure.rows).toBe(1);
    // All blocks on the main path side by side along one axis.
    expect(levels(figure.nodes.filter((n) => n.id !== "u1"))).toHaveLength(1);
  });

  it("U-Net flowing down, or in rows asked for, is not a U (its frames cut across the skips' fans, so ELK places it)", async () => {
    expect((await blocks(UNET, { direction: "down" })).figure.shape).not.toBe("u");
    expect((await blocks(UNET, { rows: 3 })).figure.shape).not.toBe("u");
  });

  it("two nested skips already make a U (the smallest encoder–decoder)", async () => {
    const { figure } = await blocks(`
input 64x64x3
e1: conv 16 3x3 pad=1
p1: maxpool 2x2/2
e2: conv 32 3x3 pad=1
p2: maxpool 2x2/2
b: conv 64 3x3 pad=1
u2: deconv 32 2x2/2
c2: concat from e2, u2
d2: conv 32 3x3 pad=1
u1: deconv 16 2x2/2
c1: concat from e1, u1
d1: conv 16 3x3 pad=1
out: conv 2 1x1
`);
    expect(figure.shape).toBe("u");
    expect(figure.rows).toBe(3);
    for (const [from, to] of [["e1", "c1"], ["e2", "c2"]]) {
      const e = figure.edges.find((x) => x.from === from && x.to === to)!;
      expect(e.points, `${from}->${to}`).toHaveLength(2);
      expect(Math.abs(e.points[0]![1] - e.points[1]![1])).toBeLessThan(0.01);
    }
  });
});
