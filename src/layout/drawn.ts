import type { LayerAnalysis, AnalyzedNetwork } from "../analyze/types.js";
import type { Frame, LayerNode } from "../graph/types.js";
import { getOp } from "../ops/index.js";
import type { OpCategory } from "../ops/types.js";
import { collapseModules } from "./collapse.js";

/** A folded layer drawn as a coloured band on the block it follows. */
export interface Band {
  id: string;
  op: string;
  category: OpCategory;
}

/** One thing drawn in the figure: a block (tensor), or an `add` drawn as ⊕. */
export interface DrawnNode {
  id: string;
  kind: "block" | "sum";
  layer: LayerAnalysis;
  category: OpCategory;
  /** Layers this node stands for: itself plus what folded into it. */
  members: string[];
  bands: Band[];
  /** Innermost drawn frame, if any. */
  frame?: string;
  /** The name to print instead of the layer's: a collapsed module's frame label. */
  caption?: string;
  /** `×N` when a `repeat` folded into this node alone. */
  repeat?: number;
}

export interface DrawnEdge {
  id: string;
  from: string;
  to: string;
  /** An input of an `add` that skips the main path: it enters the ⊕ from the side. */
  shortcut: boolean;
}

/** A frame that is drawn: a named block, a repeat, a group, or `towers`. */
export interface DrawnFrame {
  id: string;
  label: string;
  parent?: string;
  /** `×N` when a `repeat` folded into this frame. */
  repeat?: number;
}

export interface DrawnGraph {
  nodes: DrawnNode[];
  edges: DrawnEdge[];
  frames: DrawnFrame[];
}

export interface DrawOptions {
  fold: boolean;
  foldRepeats: boolean;
  /** Draw each module (a frame with branches and one output) as one block. */
  collapse: boolean;
}

const BAND_CATEGORIES: ReadonlySet<OpCategory> = new Set(["activation", "norm", "regularization"]);

function categoryOf(op: string): OpCategory {
  return getOp(op).category;
}

/** Which layers are hidden behind instance 0 of a folded repeat, and which instance each layer is in. */
function repeatMap(network: AnalyzedNetwork["network"]): {
  rep: Map<string, string>;
  instance: Map<string, { group: string; index: number }>;
  counts: Map<string, number>;
} {
  const frames = new Map(network.frames.map((f) => [f.id, f]));
  const rep = new Map<string, string>();
  const instance = new Map<string, { group: string; index: number }>();
  const counts = new Map<string, number>();
  // Layers of each instance in order; the k-th layer of instance i stands for the k-th of instance 0.
  const byInstance = new Map<string, string[]>();
  for (const node of network.nodes) {
    const outer = node.frames.map((id) => frames.get(id)).find((f): f is Frame => f?.repeat !== undefined);
    if (!outer?.repeat) continue;
    instance.set(node.id, { group: outer.repeat.group, index: outer.repeat.index });
    counts.set(outer.repeat.group, outer.repeat.count);
    const key = `${outer.repeat.group}\u0000${outer.repeat.index}`;
    const list = byInstance.get(key) ?? [];
    const first = byInstance.get(`${outer.repeat.group}\u00000`);
    if (outer.repeat.index > 0 && first && first[list.length] !== undefined) rep.set(node.id, first[list.length]!);
    list.push(node.id);
    byInstance.set(key, list);
  }
  return { rep, instance, counts };
}

/**
 * Decides what the figure draws: activations, normalisation and dropout fold into the
 * block they follow (when that block feeds nothing else), flatten folds into the arrow,
 * and folded repeats collapse onto their first instance.
 */
export function drawnGraph(analyzed: AnalyzedNetwork, options: DrawOptions): DrawnGraph {
  // `--width` lays one network out dozens of times; what is drawn does not change between them.
  const key = `${options.fold}/${options.foldRepeats}/${options.collapse}`;
  const cached = drawnCache.get(analyzed)?.get(key);
  if (cached) return cached;
  const built = buildDrawnGraph(analyzed, options);
  const graph = options.collapse ? collapseModules(built) : built;
  drawnCache.set(analyzed, (drawnCache.get(analyzed) ?? new Map()).set(key, graph));
  return graph;
}

const drawnCache = new WeakMap<AnalyzedNetwork, Map<string, DrawnGraph>>();

function buildDrawnGraph(analyzed: AnalyzedNetwork, options: DrawOptions): DrawnGraph {
  const { network, layers } = analyzed;
  const byId = new Map(layers.map((l) => [l.node.id, l]));
  const consumers = new Map<string, number>();
  for (const node of network.nodes) for (const i of node.inputs) consumers.set(i, (consumers.get(i) ?? 0) + 1);

  // host: the drawn layer a layer folds into (itself when drawn).
  const host = new Map<string, string>();
  const drawn = new Map<string, DrawnNode>();
  const order: DrawnNode[] = [];
  for (const layer of layers) {
    const node = layer.node;
    const category = categoryOf(node.op);
    const input = node.inputs.length === 1 ? node.inputs[0]! : undefined;
    const foldable = options.fold && (BAND_CATEGORIES.has(category) || getOp(node.op).passThrough === true);
    if (foldable && input !== undefined && consumers.get(input) === 1 && host.has(input)) {
      const target = drawn.get(host.get(input)!)!;
      host.set(node.id, target.id);
      target.members.push(node.id);
      if (BAND_CATEGORIES.has(category) && target.kind === "block") target.bands.push({ id: node.id, op: node.op, category });
      continue;
    }
    const entry: DrawnNode = {
      id: node.id,
      kind: getOp(node.op).drawnAsSum ? "sum" : "block",
      layer,
      category,
      members: [node.id],
      bands: [],
    };
    host.set(node.id, node.id);
    drawn.set(node.id, entry);
    order.push(entry);
  }

  const { rep, instance, counts } = options.foldRepeats
    ? repeatMap(network)
    : { rep: new Map<string, string>(), instance: new Map<string, { group: string; index: number }>(), counts: new Map<string, number>() };
  const drawnId = (layerId: string): string => {
    const h = host.get(layerId)!;
    return rep.get(h) ?? h;
  };
  const nodes = order.filter((n) => !rep.has(n.id));

  const edges: DrawnEdge[] = [];
  const seen = new Set<string>();
  for (const layer of layers) {
    for (const input of layer.node.inputs) {
      const from = drawnId(input);
      const to = drawnId(layer.node.id);
      if (from === to || !byId.has(input)) continue;
      const a = instance.get(input);
      const b = instance.get(layer.node.id);
      // The edge from one repeat instance into the next folds away with the instances.
      if (options.foldRepeats && a && b && a.group === b.group && a.index !== b.index) continue;
      const id = `${from}->${to}`;
      if (seen.has(id)) continue;
      seen.add(id);
      edges.push({ id, from, to, shortcut: false });
    }
  }
  markShortcuts(nodes, edges);

  const frames = drawnFrames(network, nodes, options.foldRepeats ? counts : new Map(), rep);
  return { nodes, edges, frames };
}

/**
 * Of the inputs of an `add`, the one on the longest path from the input is the main
 * path; the others (identity or projection shortcuts) skip blocks and enter from the side.
 */
function markShortcuts(nodes: DrawnNode[], edges: DrawnEdge[]): void {
  const depth = new Map<string, number>();
  const incoming = new Map<string, DrawnEdge[]>();
  for (const e of edges) incoming.set(e.to, [...(incoming.get(e.to) ?? []), e]);
  for (const n of nodes) {
    const ins = incoming.get(n.id) ?? [];
    depth.set(n.id, ins.reduce((d, e) => Math.max(d, (depth.get(e.from) ?? 0) + 1), 0));
    if (n.kind !== "sum" || ins.length < 2) continue;
    const main = ins.reduce((best, e) => ((depth.get(e.from) ?? 0) > (depth.get(best.from) ?? 0) ? e : best));
    for (const e of ins) e.shortcut = e !== main;
  }
}

/** A repeat's own label is only `×N`: a name the user gave says what repeats. */
function frameLabel(frame: Frame): string {
  if (frame.kind !== "repeat") return frame.label;
  const name = frame.id.slice(frame.id.lastIndexOf(".") + 1);
  return /^repeat_?\d*$/.test(name) ? frame.label : `${name} ${frame.label}`;
}

/** A block call written `shares=OTHER` says so on its frame: ` · shares left`. */
function sharingNote(frame: Frame): string {
  return frame.shares === undefined ? "" : ` · shares ${frame.shares.slice(frame.shares.lastIndexOf(".") + 1)}`;
}

/** The frames worth drawing, and each node's innermost one. */
function drawnFrames(
  network: AnalyzedNetwork["network"],
  nodes: DrawnNode[],
  repeatCounts: Map<string, number>,
  hidden: Map<string, string>,
): DrawnFrame[] {
  const frames = new Map(network.frames.map((f) => [f.id, f]));
  const nodeById = new Map<string, LayerNode>(network.nodes.map((n) => [n.id, n]));
  // Each drawn node's chain of frame ids, outermost first. `towers` stays one frame around
  // all its lanes: cross connections tie the lanes together, and ELK keeps a compound
  // node contiguous, so a frame per lane would pull the lanes apart.
  const chains = new Map<string, string[]>();
  for (const n of nodes) {
    const node = nodeById.get(n.id)!;
    // Folded repeats hide instances 1..N-1, so only instance 0's frames remain.
    chains.set(n.id, node.frames.filter((id) => frames.has(id) && !(hidden.size > 0 && (frames.get(id)!.repeat?.index ?? 0) > 0)));
  }
  // A frame is drawn when it holds at least two drawn nodes.
  const members = new Map<string, Set<string>>();
  for (const [nodeId, chain] of chains) for (const f of chain) members.set(f, (members.get(f) ?? new Set()).add(nodeId));
  const keep = new Set([...members].filter(([, set]) => set.size >= 2).map(([f]) => f));
  // An outer frame drawn exactly around an inner one adds a line and no information: the
  // inner (more specific) one stays and inherits the outer's repeat badge.
  const absorbed = new Map<string, string[]>();
  const sameSet = (a: Set<string>, b: Set<string>): boolean => a.size === b.size && [...a].every((x) => b.has(x));
  for (const chain of chains.values()) {
    for (let i = 0; i + 1 < chain.length; i++) {
      const outer = chain[i]!;
      const inner = chain[i + 1]!;
      if (!keep.has(outer) || !keep.has(inner) || !sameSet(members.get(outer)!, members.get(inner)!)) continue;
      keep.delete(outer);
      absorbed.set(inner, [...(absorbed.get(inner) ?? []), outer, ...(absorbed.get(outer) ?? [])]);
    }
  }
  const repeatOf = (id: string): number | undefined => {
    for (const f of [id, ...(absorbed.get(id) ?? [])]) {
      const group = frames.get(f)?.repeat?.group;
      if (group !== undefined && repeatCounts.has(group)) return repeatCounts.get(group);
    }
    return undefined;
  };
  const result: DrawnFrame[] = [];
  const listed = new Set<string>();
  for (const n of nodes) {
    const chain = chains.get(n.id)!.filter((f) => keep.has(f));
    n.frame = chain[chain.length - 1];
    chain.forEach((id, i) => {
      if (listed.has(id)) return;
      listed.add(id);
      result.push({ id, label: frameLabel(frames.get(id)!) + sharingNote(frames.get(id)!), parent: chain[i - 1], repeat: repeatOf(id) });
    });
    // A repeat that folded onto this node alone puts its badge on the node.
    for (const id of chains.get(n.id)!) {
      if ((members.get(id)?.size ?? 0) < 2) n.repeat ??= repeatOf(id);
    }
  }
  return result;
}
