import type { AnalyzedNetwork } from "../analyze/types.js";
import { NetfigError } from "../lang/diagnostics.js";
import { getOp } from "../ops/index.js";
import type { Point } from "../geometry/types.js";
import type { RenderOptions } from "../options/figure.js";
import { fontOf, type Theme } from "../themes/index.js";
import { measureText } from "../text/measure.js";
import { drawnGraph, type DrawnNode } from "./drawn.js";
import { directLayout } from "./direct/index.js";
import { uLayout } from "./direct/u-shape.js";
import type { ElkFrameInput, ElkInputNode } from "./elk.js";
import { nodeParams } from "./labels.js";
import { settleLabels } from "./perspective.js";
import { placeRunLabels, planRuns, runReach, type Run } from "./runs.js";
import { blockGeometry, sumGeometry, type NodeGeometry, type Reserve } from "./node-geometry.js";
import type { LaidOutEdge, LaidOutFrame, LaidOutNode, PlacedLabel } from "./types.js";

/** The blocks figure: every tensor a block, placed by the direct layout or by ELK. */
export interface BlocksLayout {
  width: number;
  height: number;
  nodes: LaidOutNode[];
  edges: LaidOutEdge[];
  frames: LaidOutFrame[];
  /** Rows (columns when flowing down) the chain was broken into. */
  rows: number;
  /** An encoder–decoder drawn as a U (one level a row), a line broken into `rows`, or a graph ELK placed (never broken). */
  shape: "u" | "line" | "graph";
}

function place(labels: PlacedLabel[], dx: number, dy: number): PlacedLabel[] {
  return labels.map((l) => ({ ...l, at: [l.at[0] + dx, l.at[1] + dy] as Point }));
}

function kernelOf(node: DrawnNode): [number, number] | undefined {
  const k = node.layer.node.attrs["kernel"];
  return Array.isArray(k) && k.length === 2 ? [k[0]!, k[1]!] : undefined;
}

/** Positions every block, merge, frame and edge of one network drawn as tensor blocks. */
export async function layoutBlocks(
  network: AnalyzedNetwork,
  asked: RenderOptions,
  theme: Theme,
  arrangement: Partial<Pick<RenderOptions, "compact" | "collapse" | "terse">> = {},
): Promise<BlocksLayout> {
  const options = { ...asked, ...arrangement };
  const drawn = drawnGraph(network, options);
  const params = new Map(network.layers.map((l) => [l.node.id, l.params]));
  const paramsOf = (id: string): number => params.get(id) ?? 0;

  const runs = planRuns(drawn, theme, options, options.compact, (n) => nodeParams(n, paramsOf));
  const runOf = new Map<string, Run>();
  for (const run of runs) for (const m of run.members) runOf.set(m.id, run);
  const geometry = new Map<string, NodeGeometry>();
  const blockOf = (n: DrawnNode, reserve?: Reserve): NodeGeometry => {
    const run = runOf.get(n.id);
    return blockGeometry(n, theme, options, nodeParams(n, paramsOf), run?.own.get(n.id), reserve ?? run?.reserve);
  };
  for (const n of drawn.nodes) geometry.set(n.id, n.kind === "sum" ? sumGeometry(theme, options, n.repeat, n.bands.length) : blockOf(n));
  // A run's shared label wider than its blocks widens the run's ends, so nothing beside it runs into the label.
  for (const run of runs) {
    const { lead, trail } = runReach(run, run.members.map((m) => geometry.get(m.id)!), options);
    if (lead <= 0 && trail <= 0) continue;
    const first = run.members[0]!;
    const last = run.members[run.members.length - 1]!;
    geometry.set(first.id, blockOf(first, { ...run.reserve, lead }));
    geometry.set(last.id, blockOf(last, { ...run.reserve, trail }));
  }
  // Slabs of a compact run: each box starts where the front face before it ends.
  const abut = new Map<string, number>();
  for (const run of runs) {
    if (!run.compact) continue;
    run.members.forEach((m, i) => {
      if (i === 0) return;
      const before = geometry.get(run.members[i - 1]!.id)!;
      const here = geometry.get(m.id)!;
      abut.set(
        m.id,
        options.direction === "right"
          ? -before.bounds.left + before.extent.x + here.bounds.left
          : -before.bounds.top + before.extent.y + here.bounds.top,
      );
    });
  }
  const frameFont = fontOf(theme, theme.text.frame);
  const frameLabels = new Map<string, PlacedLabel>();
  const elkFrames: ElkFrameInput[] = drawn.frames.map((f) => {
    const text = f.repeat !== undefined ? `${f.label}  ×${f.repeat}` : f.label;
    const m = measureText(text, frameFont);
    frameLabels.set(f.id, { role: "label-frame", text, at: [0, 0], anchor: "start", style: "frame", width: m.width, ascent: m.ascent, descent: m.descent });
    return { ...f, labelHeight: m.ascent + m.descent, labelWidth: m.width };
  });
  // A run's blocks stay on one row: its shared labels span them.
  const joined = new Set(runs.flatMap((r) => r.members.slice(1).map((m) => m.id)));
  const towers = new Set(network.network.frames.filter((f) => f.kind === "towers").map((f) => f.id));
  const laneOf = (n: DrawnNode): ElkInputNode["lane"] => {
    const { tower, frames } = n.layer.node;
    const of = tower && frames.find((f) => towers.has(f));
    return of === undefined ? undefined : { towers: of, index: tower!.index };
  };
  const elkNodes: ElkInputNode[] = drawn.nodes.map((n) => ({
    id: n.id,
    geometry: geometry.get(n.id)!,
    frame: n.frame,
    abut: abut.get(n.id),
    joined: joined.has(n.id),
    lane: laneOf(n),
  }));
  // Series-parallel graphs (nearly every network, towers' full crossings included) are laid
  // out directly; ELK, and the half second it takes to load, only for the rest.
  // Encoder–decoders flowing right are drawn as a U; everything else in rows, by ELK where it must.
  const u = options.layout !== "elk" && options.direction === "right" && options.rows === 1 ? uLayout(elkNodes, drawn.edges, elkFrames) : undefined;
  const direct = options.layout === "elk" ? undefined : (u ?? directLayout(elkNodes, drawn.edges, elkFrames, { direction: options.direction, rows: options.rows }));
  if (options.layout === "direct" && direct === undefined) {
    throw new NetfigError([
      {
        severity: "error",
        message: `layout: ${network.network.name} is not a chain of series and parallel parts (nor towers whose cross layers read every lane), so the direct layout cannot draw it`,
        hint: "use layout auto or elk",
      },
    ]);
  }
  // ELK places boxes a gap apart, never face to face: a compact figure it has to place is drawn plain.
  if (direct === undefined && options.compact) return layoutBlocks(network, { ...asked, compact: false }, theme, { ...arrangement, compact: false });
  const elk = direct ?? (await (await import("./elk.js")).runElk(elkNodes, drawn.edges, elkFrames, options.direction));
  const parts = direct?.parts ?? [];

  const byId = new Map(network.layers.map((l) => [l.node.id, l]));
  const nodes: LaidOutNode[] = drawn.nodes.map((n) => {
    const g = geometry.get(n.id)!;
    const box = elk.nodes.get(n.id)!;
    // ELK placed the box; the block's front face sits at the box corner minus the local bounds.
    const dx = box.x - g.bounds.left;
    const dy = box.y - g.bounds.top;
    const first = byId.get(n.layer.node.inputs[0] ?? "")?.shape;
    return {
      id: n.id,
      kind: n.kind,
      op: n.layer.node.op,
      legendName: getOp(n.layer.node.op).legendName?.(n.layer.node.attrs) ?? n.layer.node.op,
      category: n.category,
      members: n.members,
      standsFor: n.standsFor,
      bands: n.bands,
      shape: n.layer.shape,
      kernel: kernelOf(n),
      inputSpatial: first && first.length === 3 ? [first[0]!, first[1]!] : undefined,
      repeat: n.repeat,
      box,
      origin: [dx, dy],
      extent: g.extent,
      labels: place(g.labels, dx, dy),
      frame: n.frame,
    };
  });
  // A perspective block's labels move in to its drawn outline, now that it is placed.
  const vanish: Point = [options.camera.vanish[0] * elk.width, options.camera.vanish[1] * elk.height];
  for (const n of nodes) if (n.kind === "block") n.labels = settleLabels(n.labels, [n], options.camera, vanish);
  // Each run's shared labels, placed by where its blocks went; the first block owns them.
  const laidOutById = new Map(nodes.map((n) => [n.id, n]));
  for (const run of runs) {
    const members = run.members.map((m) => laidOutById.get(m.id)!);
    members[0]!.labels.push(...settleLabels(placeRunLabels(run, members, options), members, options.camera, vanish));
  }
  const depthOf = new Map<string, number>();
  // A frame cut by row breaks is drawn once per row, each part with the frame's label.
  const pieces = [
    ...drawn.frames.map((f) => ({ id: f.id, frame: f })),
    ...parts.map((p) => ({ id: p.id, frame: drawn.frames.find((f) => f.id === p.of)! })),
  ];
  const frames: LaidOutFrame[] = pieces.map(({ id, frame: f }) => {
    const depth = f.parent === undefined ? 0 : (depthOf.get(f.parent) ?? 0) + 1;
    depthOf.set(f.id, depth);
    const box = elk.frames.get(id)!;
    const label = frameLabels.get(f.id)!;
    // Shortcuts run along the left when the figure flows down, so the label moves right.
    const right = options.direction === "down";
    const at: Point = [right ? box.x + box.width - 6 : box.x + 6, box.y + 4 + label.ascent];
    return { id, box, depth, repeat: f.repeat, label: { ...label, anchor: right ? "end" : "start", at } };
  });
  const edges = drawn.edges.map((e) => ({ ...e, points: elk.edges.get(e.id) ?? [] }));
  return { width: elk.width, height: elk.height, rows: direct?.rows ?? 1, shape: u ? "u" : direct ? "line" : "graph", nodes, edges, frames };
}
