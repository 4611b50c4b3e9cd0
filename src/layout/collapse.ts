/**
 * Modules drawn as one block: an Inception module or a residual block (a frame with
 * branches inside and one output) becomes a single block named after its frame, the way
 * papers draw GoogLeNet as a row of "inception (3a)" boxes when the page is too small to
 * show their insides. The innermost such frames collapse; stages around them stay.
 */
import type { OpCategory } from "../ops/types.js";
import type { DrawnEdge, DrawnGraph, DrawnNode } from "./drawn.js";

/** The layer kind most of a module's drawn blocks are, merges aside. */
function mostly(list: DrawnNode[]): OpCategory {
  const counts = new Map<OpCategory, number>();
  for (const n of list) if (n.kind === "block" && n.category !== "merge") counts.set(n.category, (counts.get(n.category) ?? 0) + 1);
  let best: OpCategory = list[list.length - 1]!.category;
  let most = 0;
  for (const [category, count] of counts) if (count > most) (best = category), (most = count);
  return best;
}

export function collapseModules(graph: DrawnGraph): DrawnGraph {
  const frameById = new Map(graph.frames.map((f) => [f.id, f]));
  const chainOf = (n: DrawnNode): string[] => {
    const out: string[] = [];
    for (let f = n.frame; f !== undefined; f = frameById.get(f)?.parent) out.unshift(f);
    return out;
  };
  const members = new Map<string, DrawnNode[]>();
  for (const n of graph.nodes) for (const f of chainOf(n)) members.set(f, [...(members.get(f) ?? []), n]);
  const outs = new Map<string, string[]>();
  const ins = new Map<string, string[]>();
  for (const e of graph.edges) {
    outs.set(e.from, [...(outs.get(e.from) ?? []), e.to]);
    ins.set(e.to, [...(ins.get(e.to) ?? []), e.from]);
  }
  /**
   * A module: entered from one place (what feeds its first block, as a residual block's
   * shortcut is), left by its last block alone, and branching inside (a block with two
   * inputs or two outputs). A decoder level fed by a skip from far away is not one.
   */
  const isModule = (frame: string): boolean => {
    const list = members.get(frame) ?? [];
    if (list.length < 2) return false;
    const inside = new Set(list.map((n) => n.id));
    const exits = list.filter((n) => (outs.get(n.id) ?? []).some((t) => !inside.has(t)) || (outs.get(n.id) ?? []).length === 0);
    if (exits.length !== 1 || exits[0] !== list[list.length - 1]) return false;
    const sources = new Set((ins.get(list[0]!.id) ?? []).filter((id) => !inside.has(id)));
    const enteredOnce = list.every((n) => (ins.get(n.id) ?? []).every((from) => inside.has(from) || sources.has(from)));
    const intoModule = (n: DrawnNode): number => (outs.get(n.id) ?? []).filter((id) => inside.has(id)).length;
    return enteredOnce && list.some((n) => intoModule(n) > 1 || (ins.get(n.id) ?? []).length > 1);
  };
  const modules = graph.frames.filter((f) => isModule(f.id));
  const descends = (frame: string, from: string): boolean => {
    for (let f = frameById.get(frame)?.parent; f !== undefined; f = frameById.get(f)?.parent) if (f === from) return true;
    return false;
  };
  const innermost = modules.filter((m) => !modules.some((o) => o !== m && descends(o.id, m.id)));
  if (innermost.length === 0) return graph;

  const into = new Map<string, string>();
  const collapsed = new Map<string, DrawnNode>();
  const gone = new Set<string>();
  for (const frame of innermost) {
    const list = members.get(frame.id)!;
    const output = list[list.length - 1]!;
    const inside = new Set(list.map((n) => n.id));
    const block: DrawnNode = {
      ...output,
      kind: "block",
      // Coloured as what it mostly is (an Inception module's convs), not as its closing merge.
      category: mostly(list),
      members: list.flatMap((n) => n.members),
      // The one block shows the whole module: its blocks, their bands and the arrows between them.
      standsFor: [
        ...list.flatMap((n) => [...n.standsFor, ...n.bands.flatMap((b) => b.standsFor)]),
        ...graph.edges.filter((e) => inside.has(e.from) && inside.has(e.to)).flatMap((e) => e.standsFor),
      ],
      bands: [],
      frame: frame.parent,
      caption: frame.name,
      captionDetail: frame.kind,
      repeat: frame.repeat ?? output.repeat,
    };
    collapsed.set(output.id, block);
    for (const n of list) into.set(n.id, output.id);
    gone.add(frame.id);
    for (const f of graph.frames) if (descends(f.id, frame.id)) gone.add(f.id);
  }
  const nodes = graph.nodes.filter((n) => (into.get(n.id) ?? n.id) === n.id).map((n) => collapsed.get(n.id) ?? n);
  const seen = new Map<string, DrawnEdge>();
  const edges: DrawnEdge[] = [];
  for (const e of graph.edges) {
    const from = into.get(e.from) ?? e.from;
    const to = into.get(e.to) ?? e.to;
    const id = `${from}->${to}`;
    if (from === to) continue;
    const same = seen.get(id);
    if (same) {
      same.standsFor.push(...e.standsFor);
      continue;
    }
    // A shortcut into a module now enters the module's block like the main path.
    const edge = { id, from, to, shortcut: e.shortcut && !into.has(e.to), standsFor: [...e.standsFor] };
    seen.set(id, edge);
    edges.push(edge);
  }
  return { nodes, edges, frames: graph.frames.filter((f) => !gone.has(f.id)) };
}
