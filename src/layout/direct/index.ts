/**
 * A direct layout for the graphs people usually draw: chains, residual blocks, Inception
 * fans, towers without cross connections and side outputs (GoogLeNet's auxiliary
 * classifiers) — everything that decomposes into series and parallel parts. It runs in
 * time linear in the graph and never needs ELK (whose compound-node layout of a 500-block
 * ResNet-152 takes seconds), and it makes the figure's promises by construction: the main
 * path is one straight line, a fan is symmetric about it, shortcuts arc over the blocks
 * they skip into the ⊕, side outputs hang below the path where they branch off, and
 * frames are the bounding boxes of contiguous runs with room for their labels.
 *
 * A long chain can be broken into rows (columns when it flows down; see wrap.ts): each
 * row is laid out as a chain of its own, the rows stack across the flow, and the
 * hand-over from one row's end to the next row's start is one routed return line.
 *
 * Towers' cross connections (AlexNet) where every lane reads every lane meet in unseen
 * junctions (cross.ts), which leave the lanes a chain of fans, aligned into one row a lane.
 * Graphs that still do not decompose (bridges, a crossing that is not full, frames that cut
 * across a fan) get `undefined`, and the caller falls back to ELK.
 */
import type { Direction } from "../../options/figure.js";
import type { Point, Rect } from "../../geometry/types.js";
import type { DrawnEdge } from "../drawn.js";
import type { ElkFrameInput, ElkInputNode, ElkResult } from "../elk.js";
import { GAP, measureChain, Measures, type MeasureContext } from "./measure.js";
import { emptyPlacement, placeChain } from "./place.js";
import { alignLanes, insertJunctions, isJunction, JUNCTION_LEN, routeJunctions } from "./cross.js";
import { ports, routeChain } from "./route.js";
import { decompose, fail, groupFrames, lastNode, NotSeriesParallel, type Flow, type Item, type Size } from "./structure.js";
import { atomsOf, breakRows, rowChain } from "./wrap.js";

export { GAP } from "./measure.js";

/** The unseen node that several inputs leave from. */
const ROOT = "\u0000inputs";
/** Between one row and the next; the return line runs along its middle. */
const ROW_GAP = 24;
/** How far the return line runs past a row's end and before the next row's start. */
const RETURN = 16;

export interface DirectOptions {
  direction: Direction;
  /** Break the chain into this many rows (columns when flowing down); 1 by default. */
  rows?: number;
}

/** The positions, and for a wrapped figure how many rows it came to and the frames it cut. */
export interface DirectResult extends ElkResult {
  rows: number;
  /** Frames cut by a row break: each later part's id and the frame it continues. */
  parts: { id: string; of: string }[];
}

/** The chain with the fan it opens with (if any, inside frames too) leaving from `fork` instead. */
function forkAt(items: Item[], fork: string): Item[] {
  const [first, ...rest] = items;
  if (first?.kind === "parallel") return [{ ...first, fork }, ...rest];
  if (first?.kind === "group") return [{ ...first, items: forkAt(first.items, fork) }, ...rest];
  return items;
}

/**
 * Lays out the drawn graph directly when it is series-parallel; `undefined` otherwise.
 * Rectangles and polylines come back absolute, as from `runElk`.
 */
export function directLayout(
  nodes: ElkInputNode[],
  edges: DrawnEdge[],
  frames: ElkFrameInput[],
  { direction, rows: rowsAsked = 1 }: DirectOptions,
): DirectResult | undefined {
  if (nodes.length === 0) return undefined;
  const right = direction === "right";
  let chain: Item[];
  const frameById = new Map(frames.map((f) => [f.id, f]));
  const framePath = new Map<string, string[]>();
  const pathOfFrame = (id: string | undefined): string[] => {
    if (id === undefined) return [];
    let path = framePath.get(id);
    if (!path) {
      path = [...pathOfFrame(frameById.get(id)!.parent), id];
      framePath.set(id, path);
    }
    return path;
  };
  // Full crossings between towers' lanes meet in unseen junctions, which leave a chain of fans.
  const crossed = insertJunctions(nodes, edges);
  if (crossed === undefined) return undefined;
  const nodeById = new Map(crossed.nodes.map((n) => [n.id, n]));
  // Several inputs (a conditional GAN's noise and label) fan out of one unseen root, so
  // the graph is still one chain; the root and its edges are never drawn.
  const targets = new Set(edges.map((e) => e.to));
  const sources = nodes.filter((n) => !targets.has(n.id));
  const rootEdges: DrawnEdge[] =
    sources.length > 1 ? sources.map((n) => ({ id: `${ROOT}${n.id}`, from: ROOT, to: n.id, shortcut: false, standsFor: [] })) : [];
  const rooted = rootEdges.length > 0 ? [{ id: ROOT, geometry: nodes[0]!.geometry }, ...crossed.nodes] : crossed.nodes;
  try {
    chain = groupFrames(decompose(rooted, [...rootEdges, ...crossed.edges]), (id) => pathOfFrame(nodeById.get(id)?.frame));
  } catch (error) {
    if (error instanceof NotSeriesParallel) return undefined;
    throw error;
  }
  const edgeId = new Map([...rootEdges, ...crossed.edges].map((e) => [`${e.from}\u0000${e.to}`, e]));
  const abutOf = (id: string): number | undefined => nodeById.get(id)?.abut;

  // Each node in flow coordinates: its length, its reach about the axis its ports sit on.
  const local = new Map<string, { size: Size; side: Flow }>();
  for (const n of nodes) {
    const { bounds, ports } = n.geometry;
    const flow = (p: Point): Flow => (right ? [p[0] - bounds.left, p[1] - ports.in[1]] : [p[1] - bounds.top, p[0] - ports.in[0]]);
    const [, lo] = flow([bounds.left, bounds.top]);
    const [len, hi] = flow([bounds.right, bounds.bottom]);
    local.set(n.id, { size: { len, lo, hi }, side: flow(ports.side) });
  }
  if (rootEdges.length > 0) local.set(ROOT, { size: { len: 0, lo: 0, hi: 0 }, side: [0, 0] });
  for (const j of crossed.junctions) local.set(j.id, { size: { len: JUNCTION_LEN, lo: 0, hi: 0 }, side: [0, 0] });
  const standIn = new Map<string, string>();
  const laneSpans = new Map<string, Size[]>();
  const ctx: MeasureContext = { right, local, frameById, edgeId, abutOf, realId: (id) => standIn.get(id) ?? id, junction: isJunction, laneSpans };
  const measures = new Measures();
  const measure = (items: Item[]): Size => measureChain(items, ctx, measures).size;
  alignLanes(chain, nodeById, measure, laneSpans);

  // Rows: the chain broken at its best break points, each row a chain of its own. A row
  // after the first opens with a stand-in for the previous row's last node, so that the
  // edges leaving it (a fan's, a shortcut's) start where the return line arrives.
  const parts: { id: string; of: string }[] = [];
  let rowChains: Item[][] = [chain];
  if (rowsAsked > 1) {
    const atoms = atomsOf(chain, rowsAsked, { gap: GAP, measure });
    const starts = breakRows(atoms, rowsAsked, GAP, (item) => item.kind === "node" && nodeById.get(item.id)?.joined === true);
    const seen = new Map<string, number>();
    const partId = (frame: string): string => {
      const n = (seen.get(frame) ?? 0) + 1;
      seen.set(frame, n);
      if (n === 1) return frame;
      const id = `${frame}#${n}`;
      frameById.set(id, { ...frameById.get(frame)!, id });
      parts.push({ id, of: frame });
      return id;
    };
    rowChains = starts.map((start, r) => {
      const row = rowChain(atoms.slice(start, starts[r + 1] ?? atoms.length), partId);
      if (r === 0) return row;
      const id = `\u0000row${r}`;
      local.set(id, { size: { len: 0, lo: 0, hi: 0 }, side: [0, 0] });
      return [{ kind: "node", id }, ...forkAt(row, id)];
    });
    // Each stand-in takes the place of the last node of the row before it.
    rowChains.forEach((_, r) => {
      if (r > 0) standIn.set(`\u0000row${r}`, lastNode(rowChains[r - 1]!) ?? fail("empty row"));
    });
  }
  const wrapped = rowChains.length > 1;
  const lead = wrapped ? RETURN : 0;
  const rowAxes: number[] = [];
  const rowSizes: Size[] = rowChains.map((row) => measure(row));
  let bottom = 0;
  rowSizes.forEach((size, r) => {
    const axis = r === 0 ? 0 : bottom + ROW_GAP - size.lo;
    rowAxes.push(axis);
    bottom = axis + size.hi;
  });
  const total: Size = {
    len: Math.max(...rowSizes.map((s) => s.len)) + (wrapped ? lead + RETURN : 0),
    lo: rowSizes[0]!.lo,
    hi: bottom,
  };

  const placement = emptyPlacement();
  rowChains.forEach((row, r) => placeChain(row, lead, rowAxes[r]!, measures, frameById, right, placement));

  const routes = new Map<string, Flow[]>();
  const port = ports({ placement, local });
  /** The return line from the end of the row before into a stand-in's place at a row's start. */
  const handOver = (id: string): Flow[] => {
    const r = Number(id.slice("\u0000row".length));
    const [ue, ve] = port.out(standIn.get(id)!);
    // Past everything in the row before, frames included, before turning back.
    const turn = Math.max(ue, lead + rowSizes[r - 1]!.len) + RETURN;
    const middle = rowAxes[r - 1]! + rowSizes[r - 1]!.hi + ROW_GAP / 2;
    const [us, vs] = port.in(id);
    return [[ue, ve], [turn, ve], [turn, middle], [us - lead, middle], [us - lead, vs]];
  };
  // A fan's branch may begin at a layer the fork does not feed (a second input written inside
  // `concat { }`): that branch has no line from the fork to route.
  const route = (from: string, to: string, points: Flow[]): void => {
    const source = standIn.get(from);
    const edge = edgeId.get(`${source ?? from}\u0000${to}`);
    if (edge === undefined) return;
    routes.set(edge.id, source === undefined ? points : [...handOver(from), ...points]);
  };
  for (const row of rowChains) routeChain(row, { placement, local, abutOf, route });
  const crossing = routeJunctions(crossed, edges, {
    out: port.out,
    in: port.in,
    wrapped: new Set(standIn.values()),
    routeOf: (from, to) => {
      const edge = edgeId.get(`${from}\u0000${to}`);
      return edge && routes.get(edge.id);
    },
  });
  for (const [id, points] of crossing) routes.set(id, points);

  // To the page: u and v become x and y (or y and x), shifted so nothing is negative.
  const top = -total.lo;
  const page = ([u, v]: Flow): Point => (right ? [u, v + top] : [v + top, u]);
  const rect = (u: number, v: number, len: number, breadth: number): Rect =>
    right ? { x: u, y: v + top, width: len, height: breadth } : { x: v + top, y: u, width: breadth, height: len };
  const result: DirectResult = {
    rows: rowChains.length,
    parts,
    nodes: new Map(),
    frames: new Map(),
    edges: new Map(),
    width: right ? total.len : total.hi - total.lo,
    height: right ? total.hi - total.lo : total.len,
  };
  for (const n of nodes) {
    const { u, axis } = placement.boxes.get(n.id)!;
    const { size } = local.get(n.id)!;
    result.nodes.set(n.id, rect(u, axis + size.lo, size.len, size.hi - size.lo));
  }
  for (const [id, b] of placement.frames) result.frames.set(id, rect(b.u, b.v, b.len, b.breadth));
  for (const e of edges) result.edges.set(e.id, (routes.get(e.id) ?? []).map(page));
  return result;
}
