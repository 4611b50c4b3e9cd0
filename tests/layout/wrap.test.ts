/**
 * Specification tests for row wrapping (src/layout/direct/wrap.ts, direct/index.ts):
 * a long chain broken into rows (`rows`), at top-level stage boundaries first, never inside
 * a fan or residual block, before a side chain, inside a run with shared labels or between
 * compact slabs; a frame cut by a break drawn as parts (`id#2`); the hand-over from one
 * row to the next one routed return line through the gap between the rows.
 *
 * Rows are found from the drawing alone: the hand-over edges are the ones with a segment
 * running against the flow; every other edge, every block and every frame is clustered by
 * its extent across the flow, and each cluster is one row.
 */
import { describe, expect, it } from "vitest";
import { analyzeSource } from "../../src/pipeline.js";
import { buildScene, figureOf, layout, type LayoutRequest } from "../../src/styles/index.js";
import { renderSvg } from "../../src/render/svg.js";
import type { LaidOutBlocks, LaidOutEdge, Rect } from "../../src/layout/types.js";
import type { AnalyzedGraph } from "../../src/analyze/types.js";
import { readProjectFile } from "../helpers/netfig.js";

type Blocks = Omit<LaidOutBlocks, "network" | "options" | "width" | "height"> & { shape: string; rows: number };

const analyzed = new Map<string, AnalyzedGraph>();
function template(name: string): AnalyzedGraph {
  let a = analyzed.get(name);
  if (!a) {
    a = analyzeSource(readProjectFile(`templates/${name}.netfig`), `${name}.netfig`);
    analyzed.set(name, a);
  }
  return a;
}

async function blocks(name: string, request: LayoutRequest = {}): Promise<{ figure: Blocks; width: number; height: number }> {
  const laidOut = await layout(template(name), request);
  const figure = figureOf(laidOut, "blocks");
  if (!figure) throw new Error(`${name} was not drawn as blocks`);
  return { figure: figure as Blocks, width: laidOut.width, height: laidOut.height };
}

interface Row {
  /** Extent across the flow. */
  lo: number;
  hi: number;
  /** Extent of its blocks and frames along the flow. */
  start: number;
  end: number;
  nodes: Set<string>;
  frames: Set<string>;
}

interface Rows {
  rows: Row[];
  rowOf: (node: string) => number;
  handOvers: LaidOutEdge[];
}

function boundsOf(points: [number, number][]): Rect {
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  return { x: Math.min(...xs), y: Math.min(...ys), width: Math.max(...xs) - Math.min(...xs), height: Math.max(...ys) - Math.min(...ys) };
}

/** The rows of a laid-out figure, read from the drawing (see the file comment). */
function rowsOf(figure: Blocks, direction: "right" | "down" = "right"): Rows {
  const down = direction === "down";
  const across = (r: Rect): [number, number] => (down ? [r.x, r.x + r.width] : [r.y, r.y + r.height]);
  const along = (r: Rect): [number, number] => (down ? [r.y, r.y + r.height] : [r.x, r.x + r.width]);
  const backwards = (e: LaidOutEdge): boolean =>
    e.points.some((p, i) => i > 0 && (down ? p[1] - e.points[i - 1]![1] : p[0] - e.points[i - 1]![0]) < -1);
  const handOvers = figure.edges.filter(backwards);
  const items = [
    ...figure.nodes.map((n) => ({ kind: "node" as const, id: n.id, box: n.box })),
    ...figure.frames.map((f) => ({ kind: "frame" as const, id: f.id, box: f.box })),
    ...figure.edges.filter((e) => !handOvers.includes(e) && e.points.length > 0).map((e) => ({ kind: "edge" as const, id: e.id, box: boundsOf(e.points) })),
  ].sort((a, b) => across(a.box)[0] - across(b.box)[0]);
  const rows: Row[] = [];
  for (const item of items) {
    const [lo, hi] = across(item.box);
    let row = rows[rows.length - 1];
    if (!row || lo > row.hi + 0.01) {
      row = { lo, hi, start: Infinity, end: -Infinity, nodes: new Set(), frames: new Set() };
      rows.push(row);
    }
    row.hi = Math.max(row.hi, hi);
    if (item.kind !== "edge") {
      const [s, e] = along(item.box);
      row.start = Math.min(row.start, s);
      row.end = Math.max(row.end, e);
      (item.kind === "node" ? row.nodes : row.frames).add(item.id);
    }
  }
  const rowOf = (id: string): number => {
    const i = rows.findIndex((r) => r.nodes.has(id));
    if (i < 0) throw new Error(`no row holds ${id}`);
    return i;
  };
  return { rows, rowOf, handOvers };
}

/** Nodes inside a frame (its own or a nested one), by the `frame.child` id convention of the templates. */
const inFrame = (figure: Blocks, frame: string) => figure.nodes.filter((n) => n.frame === frame || (n.frame ?? "").startsWith(`${frame}.`));

const contains = (outer: Rect, inner: Rect): boolean =>
  inner.x >= outer.x - 0.01 && inner.y >= outer.y - 0.01 && inner.x + inner.width <= outer.x + outer.width + 0.01 && inner.y + inner.height <= outer.y + outer.height + 0.01;

describe("ResNet-18 in 3 rows (templates/resnet18.netfig, rows: 3)", () => {
  it("comes to 3 rows, each a band of its own across the flow", async () => {
    const { figure } = await blocks("resnet18", { rows: 3 });
    expect(figure.rows).toBe(3);
    expect(figure.shape).toBe("line");
    // Three separate bands: rows that overlapped would cluster into fewer.
    expect(rowsOf(figure).rows.length).toBe(3);
  });

  it("keeps every residual block (frame layerN.M) in one row: a break never enters a fan", async () => {
    const { figure } = await blocks("resnet18", { rows: 3 });
    const { rows, rowOf } = rowsOf(figure);
    const residual = figure.frames.filter((f) => /^layer\d\.\d$/.test(f.id));
    expect(residual.length).toBe(8);
    for (const frame of residual) {
      const members = inFrame(figure, frame.id);
      expect(members.length, frame.id).toBeGreaterThanOrEqual(3);
      const at = new Set(members.map((n) => rowOf(n.id)));
      expect([...at], `${frame.id} spans rows`).toHaveLength(1);
      const row = rows[[...at][0]!]!;
      expect(frame.box.y, frame.id).toBeGreaterThanOrEqual(row.lo - 0.01);
      expect(frame.box.y + frame.box.height, frame.id).toBeLessThanOrEqual(row.hi + 0.01);
    }
  });

  it("keeps every shortcut's line within its block's row", async () => {
    const { figure } = await blocks("resnet18", { rows: 3 });
    const { rows, rowOf } = rowsOf(figure);
    const shortcuts = figure.edges.filter((e) => e.shortcut);
    expect(shortcuts.length).toBe(8);
    for (const e of shortcuts) {
      const row = rows[rowOf(e.to)]!;
      expect(rowOf(e.from), e.id).toBe(rowOf(e.to));
      for (const [, y] of e.points) {
        expect(y, e.id).toBeGreaterThanOrEqual(row.lo - 0.01);
        expect(y, e.id).toBeLessThanOrEqual(row.hi + 0.01);
      }
    }
  });

  it("hands over from each row's last node with one return line: past the row, along the gap, back to the start, into the next row", async () => {
    const { figure } = await blocks("resnet18", { rows: 3 });
    const { rows, rowOf, handOvers } = rowsOf(figure);
    const byId = new Map(figure.nodes.map((n) => [n.id, n]));
    for (let r = 0; r + 1 < rows.length; r++) {
      const crossing = figure.edges.filter((e) => rowOf(e.from) === r && rowOf(e.to) === r + 1);
      expect(crossing.length, `edges from row ${r} to ${r + 1}`).toBeGreaterThan(0);
      // All of them leave the last node of the row (the one furthest along the flow).
      const last = [...rows[r]!.nodes].reduce((a, b) => (byId.get(a)!.box.x + byId.get(a)!.box.width >= byId.get(b)!.box.x + byId.get(b)!.box.width ? a : b));
      for (const e of crossing) {
        expect(e.from, e.id).toBe(last);
        expect(handOvers, `${e.id} runs back against the flow`).toContain(e);
        // Axis-parallel segments only: one routed line, not a diagonal.
        e.points.forEach((p, i) => {
          if (i === 0) return;
          const q = e.points[i - 1]!;
          expect(Math.abs(p[0] - q[0]) < 0.01 || Math.abs(p[1] - q[1]) < 0.01, `${e.id} segment ${i}`).toBe(true);
        });
        const past = e.points.findIndex((p) => p[0] > rows[r]!.end);
        const gap = e.points.findIndex((p, i) => i > past && p[1] > rows[r]!.hi && p[1] < rows[r + 1]!.lo);
        const back = e.points.findIndex((p, i) => i > gap && p[0] < rows[r + 1]!.start);
        expect(past, `${e.id} goes right past row ${r}`).toBeGreaterThanOrEqual(0);
        expect(gap, `${e.id} runs along the gap between rows`).toBeGreaterThan(past);
        expect(back, `${e.id} comes back before row ${r + 1} starts`).toBeGreaterThan(gap);
        const end = e.points[e.points.length - 1]!;
        expect(end[1], `${e.id} ends in row ${r + 1}`).toBeGreaterThan(rows[r + 1]!.lo);
      }
    }
  });

  it("has no edge crossing rows but the hand-overs", async () => {
    const { figure } = await blocks("resnet18", { rows: 3 });
    const { rowOf, handOvers } = rowsOf(figure);
    for (const e of figure.edges) {
      const from = rowOf(e.from);
      const to = rowOf(e.to);
      if (handOvers.includes(e)) expect(to, e.id).toBe(from + 1);
      else expect(to, e.id).toBe(from);
    }
  });

  it("keeps every point of every edge on the page", async () => {
    const { figure, width, height } = await blocks("resnet18", { rows: 3 });
    for (const e of figure.edges) {
      for (const [x, y] of e.points) {
        expect(x, e.id).toBeGreaterThanOrEqual(-0.01);
        expect(y, e.id).toBeGreaterThanOrEqual(-0.01);
        expect(x, e.id).toBeLessThanOrEqual(width + 0.01);
        expect(y, e.id).toBeLessThanOrEqual(height + 0.01);
      }
    }
  });
});

describe("rows: 1", () => {
  it("is exactly the default figure (ResNet-18): same layout, same SVG", async () => {
    const a = template("resnet18");
    const one = await layout(a, { rows: 1 });
    const plain = await layout(a);
    expect(JSON.stringify(one)).toBe(JSON.stringify(plain));
    expect(renderSvg(buildScene(one))).toBe(renderSvg(buildScene(plain)));
  });
});

describe("VGG-16 in 2 rows (templates/vgg16.netfig)", () => {
  it("breaks between stages (no stage frame cut) since that is within 12% of the best balance", async () => {
    const { figure } = await blocks("vgg16", { rows: 2 });
    const { rows, rowOf } = rowsOf(figure);
    expect(rows.length).toBe(2);
    expect(figure.frames.filter((f) => f.id.includes("#"))).toEqual([]);
    for (const stage of ["block1", "block2", "block3", "block4", "block5"]) {
      expect(new Set(inFrame(figure, stage).map((n) => rowOf(n.id))).size, stage).toBe(1);
    }
    // The best balance of any break between two blocks, measured on the one-row figure.
    const line = (await blocks("vgg16")).figure;
    const path = [...line.nodes].sort((a, b) => a.box.x - b.box.x);
    const left = Math.min(...line.frames.map((f) => f.box.x), path[0]!.box.x);
    const right = Math.max(...line.frames.map((f) => f.box.x + f.box.width), ...path.map((n) => n.box.x + n.box.width));
    let best = Infinity;
    for (let k = 0; k + 1 < path.length; k++) best = Math.min(best, Math.max(path[k]!.box.x + path[k]!.box.width - left, right - path[k + 1]!.box.x));
    const longest = Math.max(...rows.map((r) => r.end - r.start));
    expect(longest).toBeLessThanOrEqual(best * 1.12);
  });
});

describe("frames cut by a break", () => {
  it("come back as parts X#2 in the next row (ResNet-18, rows: 6: layer4 over two rows)", async () => {
    const { figure } = await blocks("resnet18", { rows: 6 });
    const { rows, rowOf } = rowsOf(figure);
    expect(rows.length).toBe(6);
    const ids = new Set(figure.frames.map((f) => f.id));
    for (const frame of figure.frames.filter((f) => !f.id.includes("#"))) {
      const members = inFrame(figure, frame.id);
      const spanned = [...new Set(members.map((n) => rowOf(n.id)))].sort((a, b) => a - b);
      // One part per row the frame spans: X, X#2, X#3…, each holding that row's members.
      const parts = spanned.map((_, i) => (i === 0 ? frame.id : `${frame.id}#${i + 1}`));
      for (const [i, id] of parts.entries()) {
        expect(ids.has(id), `${id} (frame ${frame.id} spans rows ${spanned.join(",")})`).toBe(true);
        const part = figure.frames.find((f) => f.id === id)!;
        expect(part.label.text, id).toBe(frame.label.text);
        for (const n of members.filter((m) => rowOf(m.id) === spanned[i])) expect(contains(part.box, n.box), `${n.id} in ${id}`).toBe(true);
      }
      expect(ids.has(`${frame.id}#${spanned.length + 1}`), `no extra part of ${frame.id}`).toBe(false);
    }
    expect(ids.has("layer4#2")).toBe(true);
  });

  it("keep each run of shared labels and each pair of compact slabs in one row (VGG-16, rows: 10, plain and compact)", async () => {
    for (const compact of [false, true]) {
      const { figure } = await blocks("vgg16", { rows: 10, compact });
      const { rowOf } = rowsOf(figure);
      expect(figure.rows, `compact ${compact}`).toBeGreaterThan(5);
      // The convs of a stage share one shape (plain: label printed once) or one spatial size (compact: slabs face to face).
      for (const stage of ["block1", "block2", "block3", "block4", "block5"]) {
        const run = figure.nodes.filter((n) => n.frame === `${stage}.repeat_1`);
        expect(run.length).toBeGreaterThanOrEqual(2);
        expect(new Set(run.map((n) => rowOf(n.id))).size, `${stage} run, compact ${compact}`).toBe(1);
      }
      // fc6 and fc7 (4096 both) share their shape label.
      if (!compact) expect(rowOf("fc7")).toBe(rowOf("fc6"));
    }
  });
});

describe("side chains (GoogLeNet, templates/googlenet.netfig)", () => {
  it("stay in the row of the module they leave; no break before one", async () => {
    for (const rows of [2, 3, 5]) {
      const { figure } = await blocks("googlenet", { rows });
      const found = rowsOf(figure);
      expect(found.rows.length, `rows ${rows}`).toBe(figure.rows);
      for (const [aux, from] of [["aux1", "inception_4a.concat_1"], ["aux2", "inception_4d.concat_1"]] as const) {
        for (const n of inFrame(figure, aux)) expect(found.rowOf(n.id), `${n.id}, rows ${rows}`).toBe(found.rowOf(from));
      }
    }
  });
});

describe("columns (direction: down)", () => {
  it("ResNet-18 in 3 columns: residual blocks whole, hand-overs only between neighbouring columns, through the gap", async () => {
    const { figure } = await blocks("resnet18", { rows: 3, direction: "down" });
    const { rows, rowOf, handOvers } = rowsOf(figure, "down");
    expect(figure.rows).toBe(3);
    expect(rows.length).toBe(3);
    for (const frame of figure.frames.filter((f) => /^layer\d\.\d$/.test(f.id))) {
      expect(new Set(inFrame(figure, frame.id).map((n) => rowOf(n.id))).size, frame.id).toBe(1);
    }
    for (const e of figure.edges) {
      const from = rowOf(e.from);
      const to = rowOf(e.to);
      if (!handOvers.includes(e)) {
        expect(to, e.id).toBe(from);
        continue;
      }
      expect(to, e.id).toBe(from + 1);
      expect(e.points.some(([x]) => x > rows[from]!.hi && x < rows[to]!.lo), `${e.id} runs along the gap`).toBe(true);
    }
  });
});

describe("no row shorter than 25% of the longest when avoidable", () => {
  const cases: [string, LayoutRequest][] = [
    ["resnet18", { rows: 2 }],
    ["resnet18", { rows: 3 }],
    ["resnet18", { rows: 4 }],
    ["vgg16", { rows: 2 }],
    ["vgg16", { rows: 3 }],
    ["vgg16", { rows: 6 }],
    ["googlenet", { rows: 3 }],
    ["resnet50", { rows: 3 }],
  ];
  for (const [name, request] of cases) {
    it(`${name} ${JSON.stringify(request)}`, async () => {
      const { rows } = rowsOf((await blocks(name, request)).figure);
      const lengths = rows.map((r) => r.end - r.start);
      const longest = Math.max(...lengths);
      for (const [i, len] of lengths.entries()) expect(len, `row ${i} of ${lengths.map((l) => l.toFixed(0)).join(", ")}`).toBeGreaterThanOrEqual(0.25 * longest);
    });
  }

});
