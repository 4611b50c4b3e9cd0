import type { LayerAnalysis, AnalyzedNetwork } from "../analyze/types.js";
import type { Frame, LayerNode } from "../graph/types.js";
import { getOp } from "../ops/index.js";
import type { OpCategory } from "../ops/types.js";
import { collapseModules } from "./collapse.js";

/** A folded layer drawn as a coloured band on the block (or beside the ⊕) it follows. */
export interface Band {
  id: string;
  op: string;
  category: OpCategory;
  /** The analysed layers this band shows: its own, and its copies in a folded repeat's hidden instances. */
  standsFor: string[];
}

/** One thing drawn in the figure: a block (tensor), or an `add` drawn as ⊕. */
export interface DrawnNode {
  id: string;
  kind: "block" | "sum";
  layer: LayerAnalysis;
  category: OpCategory;
  /** Layers this node stands for: itself plus what folded into it. */
  members: string[];
  /**
   * The analysed layers the block or ⊕ itself shows (bands and arrows declare theirs):
   * its own layer, its copies in a folded repeat's hidden instances, and every member
   * of a collapsed module.
   */
  standsFor: string[];
  bands: Band[];
  /** Innermost drawn frame, if any. */
  frame?: string;
  /** The name to print instead of the layer's: a collapsed module's instance name. */
  caption?: string;
  /** Printed under a collapsed module's name: the kind of block it is (`fire`, `basic`). */
  captionDetail?: string;
  /** A folded layer whose name the block shows when its own layer has none (`fc 400` then `h: relu`). */
  named?: LayerNode;
  /** `×N` when a `repeat` folded into this node alone. */
  repeat?: number;
}

export interface DrawnEdge {
  id: string;
  from: string;
  to: string;
  /** An input of an `add` that skips the main path: it enters the ⊕ from the side. */
  shortcut: boolean;
  /** Pass-through layers (flatten, identity) this arrow stands for, and their copies in hidden repeat instances. */
  standsFor: string[];
}

/** A frame that is drawn: a named block, a repeat, a group, or `towers`. */
export interface DrawnFrame {
  id: string;
  /** What the frame's label says: its name, with the block it is an instance of where useful (`layer2.0 (basic_down)`, `fire2`). */
  label: string;
  /** The instance's or group's name (`fire2`, `layer1`, `×3` for an unnamed repeat). */
  name: string;
  /** The block the frame is an instance of, where its name does not already say it. */
  kind?: string;
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
  const { rep, instance, counts } = options.foldRepeats
    ? repeatMap(network)
    : { rep: new Map<string, string>(), instance: new Map<string, { group: string; index: number }>(), counts: new Map<string, number>() };
  // A band is drawn inside its block's frames, so it folds only into a block of its own
  // frame: DenseNet's transition BN is the transition's first block, not a band on the dense
  // block's last concat (where a folded repeat would even hide it with that concat).
  const frameKey = new Map(network.nodes.map((n) => [n.id, n.frames.join("\u0000")]));
  const sameFrame = (a: string, b: string): boolean => frameKey.get(a) === frameKey.get(b);

  // host: the drawn layer a layer folds into (itself when drawn).
  const host = new Map<string, string>();
  const drawn = new Map<string, DrawnNode>();
  const order: DrawnNode[] = [];
  // Pass-through layers drawn as the arrow out of their host.
  const arrows = new Set<string>();
  for (const layer of layers) {
    const node = layer.node;
    const op = getOp(node.op);
    const category = op.category;
    const input = node.inputs.length === 1 ? node.inputs[0]! : undefined;
    const target = input !== undefined && host.has(input) ? drawn.get(host.get(input)!)! : undefined;
    const band = options.fold && BAND_CATEGORIES.has(category) && consumers.get(input ?? "") === 1 && target !== undefined && sameFrame(node.id, target.id);
    // An arrow needs a layer to point at: a pass-through nothing reads stays a block.
    const arrow =
      target !== undefined &&
      (consumers.get(node.id) ?? 0) > 0 &&
      (op.passThrough === "always" || (options.fold && op.passThrough === true && consumers.get(input!) === 1));
    if (band || arrow) {
      host.set(node.id, target!.id);
      target!.members.push(node.id);
      if (band) target!.bands.push({ id: node.id, op: node.op, category, standsFor: [node.id] });
      else arrows.add(node.id);
      if (band && !node.autoNamed && target!.layer.node.autoNamed && target!.layer.node.label === undefined) target!.named = node;
      continue;
    }
    const entry: DrawnNode = {
      id: node.id,
      kind: op.drawnAsSum ? "sum" : "block",
      layer,
      category,
      members: [node.id],
      standsFor: [node.id],
      bands: [],
    };
    host.set(node.id, node.id);
    drawn.set(node.id, entry);
    order.push(entry);
  }

  const drawnId = (layerId: string): string => {
    const h = host.get(layerId)!;
    return rep.get(h) ?? h;
  };
  const nodes = order.filter((n) => !rep.has(n.id));

  const edges: DrawnEdge[] = [];
  const edgeById = new Map<string, DrawnEdge>();
  for (const layer of layers) {
    if (arrows.has(layer.node.id)) continue;
    for (const input of layer.node.inputs) {
      const from = drawnId(input);
      const to = drawnId(layer.node.id);
      if (from === to || !byId.has(input)) continue;
      const a = instance.get(input);
      const b = instance.get(layer.node.id);
      // The edge from one repeat instance into the next folds away with the instances.
      if (options.foldRepeats && a && b && a.group === b.group && a.index !== b.index) continue;
      // The pass-through layers between the drawn source and this layer are this arrow
      // (`flatten -> dropout`: the dropout is a band on the block before, the flatten still the arrow).
      const through: string[] = [];
      for (let x = input; host.get(x) !== x; x = byId.get(x)!.node.inputs[0]!) if (arrows.has(x)) through.unshift(x);
      const id = `${from}->${to}`;
      const seen = edgeById.get(id);
      if (seen) {
        seen.standsFor.push(...through.filter((t) => !seen.standsFor.includes(t)));
        continue;
      }
      const edge: DrawnEdge = { id, from, to, shortcut: false, standsFor: through };
      edgeById.set(id, edge);
      edges.push(edge);
    }
  }
  markShortcuts(nodes, edges);
  declareHiddenCopies(layers, rep, nodes, edges);

  const frames = drawnFrames(network, nodes, options.foldRepeats ? counts : new Map(), rep);
  return { nodes, edges, frames };
}

/**
 * A folded repeat draws instance 0 for all N: each layer of a hidden instance is declared
 * by whatever draws its counterpart in instance 0 (the block, the band or the arrow).
 */
function declareHiddenCopies(layers: LayerAnalysis[], rep: Map<string, string>, nodes: DrawnNode[], edges: DrawnEdge[]): void {
  if (rep.size === 0) return;
  const declaredBy = new Map<string, string[]>();
  for (const n of nodes) {
    declaredBy.set(n.id, n.standsFor);
    for (const b of n.bands) declaredBy.set(b.id, b.standsFor);
  }
  for (const e of edges) for (const t of e.standsFor) declaredBy.set(t, e.standsFor);
  for (const layer of layers) {
    const original = rep.get(layer.node.id);
    const list = original === undefined ? undefined : declaredBy.get(original);
    if (list && !list.includes(layer.node.id)) list.push(layer.node.id);
  }
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

/** A repeat's name when the user gave one (`layer1`), not the compiler (`repeat_1`). */
function repeatName(frame: Frame): string | undefined {
  const name = frame.id.slice(frame.id.lastIndexOf(".") + 1);
  return /^repeat_?\d*$/.test(name) ? undefined : name;
}

/** The instances of a repeat by their first and last names: `layer1.1–2`. */
function instanceSpan(first: string, last: string): string {
  const cut = first.lastIndexOf(".") + 1;
  return first === last ? first : cut > 0 && last.startsWith(first.slice(0, cut)) ? `${first}–${last.slice(cut)}` : `${first}–${last}`;
}

/**
 * A frame's name and kind. A repeat's own label is only `×N`: a name the user gave says
 * what repeats. An instance drawn for all of a folded repeat's instances is the repeat
 * (`layer1 (basic)`, its `×N` badge beside), or, when the repeat has no name of its own,
 * all its instances (`layer1.1–2 (bottleneck)`), not its first instance alone.
 */
function frameNaming(frame: Frame, standsForRepeat: Frame | undefined, frames: Frame[]): { name: string; kind?: string } {
  if (frame.kind === "repeat") {
    const name = repeatName(frame);
    return { name: name === undefined ? frame.label : `${name} ${frame.label}` };
  }
  let name = frame.label;
  if (standsForRepeat) {
    const instances = frames.filter((f) => f.repeat?.group === standsForRepeat.id);
    name = repeatName(standsForRepeat) ?? (frame.block !== undefined ? instanceSpan(instances[0]!.label, instances[instances.length - 1]!.label) : frame.label);
  }
  return frame.block === undefined || frame.block === name ? { name } : { name, kind: frame.block };
}

function frameText(naming: { name: string; kind?: string }): string {
  return naming.kind === undefined ? naming.name : `${naming.name} (${naming.kind})`;
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
      const frame = frames.get(id)!;
      const repeat = repeatOf(id);
      const naming = frameNaming(frame, repeat !== undefined && frame.repeat ? frames.get(frame.repeat.group) : undefined, network.frames);
      result.push({ id, label: frameText(naming) + sharingNote(frame), ...naming, parent: chain[i - 1], repeat });
    });
    // A repeat that folded onto this node alone puts its badge on the node.
    for (const id of chains.get(n.id)!) {
      if ((members.get(id)?.size ?? 0) < 2) n.repeat ??= repeatOf(id);
    }
  }
  return result;
}
