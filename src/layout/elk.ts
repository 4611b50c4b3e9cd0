import { createRequire } from "node:module";
import type ElkModule from "elkjs/lib/elk.bundled.js";
import type { ElkExtendedEdge, ElkNode, ElkPort, LayoutOptions } from "elkjs/lib/elk-api.js";
import type { Direction } from "../options/figure.js";
import type { Point } from "../geometry/types.js";
import type { DrawnEdge, DrawnFrame } from "./drawn.js";
import type { NodeGeometry } from "./node-geometry.js";
import type { Rect } from "./types.js";

// By `require`: Node's ES loader would first scan the 1.6 MB CommonJS bundle for its
// exports (0.41 s a process against 0.23 s). This module itself loads only for a layout ELK draws.
const ELK = (createRequire(import.meta.url)("elkjs/lib/elk.bundled.js") as typeof ElkModule).default;

/** What ELK needs of a node: its size and port places, and the frame it sits in. */
export interface ElkInputNode {
  id: string;
  geometry: NodeGeometry;
  frame?: string;
  /**
   * The direct layout only: this node's box starts this far after its predecessor's box
   * start, instead of a gap after its end (slabs of a compact run, face to face).
   */
  abut?: number;
  /** The direct layout only: no row break comes before this node (it continues a run with shared labels). */
  joined?: boolean;
  /** The direct layout only: the lane of a `towers` (its frame id) this node is in; edges between lanes are its cross connections. */
  lane?: { towers: string; index: number };
}

export interface ElkFrameInput extends DrawnFrame {
  /** Room for the frame's label above its contents. */
  labelHeight: number;
  labelWidth: number;
}

export interface ElkResult {
  nodes: Map<string, Rect>;
  frames: Map<string, Rect>;
  edges: Map<string, Point[]>;
  width: number;
  height: number;
}

const FRAME_PAD = 9;

function rootOptions(direction: Direction): LayoutOptions {
  return {
    "elk.algorithm": "layered",
    "elk.direction": direction === "right" ? "RIGHT" : "DOWN",
    "elk.hierarchyHandling": "INCLUDE_CHILDREN",
    "elk.edgeRouting": "ORTHOGONAL",
    // Brandes-Köpf with balanced alignment keeps the main path straight and centres fans (Inception).
    "elk.layered.nodePlacement.strategy": "BRANDES_KOEPF",
    "elk.layered.nodePlacement.bk.fixedAlignment": "BALANCED",
    "elk.layered.nodePlacement.favorStraightEdges": "true",
    // The figure reads like the source: declaration order decides the order within a layer.
    "elk.layered.considerModelOrder.strategy": "NODES_AND_EDGES",
    "elk.layered.crossingMinimization.forceNodeModelOrder": "true",
    // Layers as early as possible: a short Inception branch starts beside the others.
    "elk.layered.layering.strategy": "LONGEST_PATH_SOURCE",
    // Model order already fixes most of the order within layers; one sweep is enough and
    // keeps a 200-block ResNet-152 fast.
    "elk.layered.thoroughness": "1",
    "elk.spacing.nodeNode": "18",
    "elk.layered.spacing.nodeNodeBetweenLayers": "26",
    "elk.spacing.edgeNode": "10",
    "elk.spacing.edgeEdge": "7",
    "elk.layered.spacing.edgeNodeBetweenLayers": "12",
    "elk.layered.spacing.edgeEdgeBetweenLayers": "7",
    "elk.spacing.componentComponent": "30",
    "elk.padding": "[top=0,left=0,bottom=0,right=0]",
  };
}

function ports(node: ElkInputNode, direction: Direction): ElkPort[] {
  const { bounds, ports: p } = node.geometry;
  const local = (q: Point): { x: number; y: number } => ({ x: q[0] - bounds.left, y: q[1] - bounds.top });
  const sides = direction === "right" ? ["WEST", "EAST", "NORTH"] : ["NORTH", "SOUTH", "WEST"];
  return (["in", "out", "side"] as const).map((name, i) => ({
    id: `${node.id}\u0000${name}`,
    ...local(p[name]),
    width: 0,
    height: 0,
    layoutOptions: { "elk.port.side": sides[i]! },
  }));
}

/**
 * Lays the drawn graph out with ELK's layered algorithm. Frames are compound nodes; the
 * returned rectangles and polylines are absolute.
 */
export async function runElk(
  nodes: ElkInputNode[],
  edges: DrawnEdge[],
  frames: ElkFrameInput[],
  direction: Direction,
): Promise<ElkResult> {
  const compound = new Map<string, ElkNode>();
  const root: ElkNode = { id: "\u0000root", layoutOptions: rootOptions(direction), children: [], edges: [] };
  const parentOf = (frame: string | undefined): ElkNode => (frame === undefined ? root : compound.get(frame)!);
  for (const f of frames) {
    const node: ElkNode = {
      id: f.id,
      children: [],
      layoutOptions: {
        "elk.padding": `[top=${FRAME_PAD + f.labelHeight},left=${FRAME_PAD},bottom=${FRAME_PAD},right=${FRAME_PAD}]`,
        "elk.nodeSize.constraints": "MINIMUM_SIZE",
        "elk.nodeSize.minimum": `(${f.labelWidth + 2 * FRAME_PAD}, ${f.labelHeight + 2 * FRAME_PAD})`,
      },
    };
    compound.set(f.id, node);
  }
  // Frames are listed parents first, so each parent exists when its children attach.
  for (const f of frames) parentOf(f.parent).children!.push(compound.get(f.id)!);
  for (const n of nodes) {
    const { bounds } = n.geometry;
    parentOf(n.frame).children!.push({
      id: n.id,
      width: bounds.right - bounds.left,
      height: bounds.bottom - bounds.top,
      ports: ports(n, direction),
      layoutOptions: { "elk.portConstraints": "FIXED_POS" },
    });
  }
  const elkEdges: ElkExtendedEdge[] = edges.map((e) => ({
    id: e.id,
    sources: [`${e.from}\u0000out`],
    targets: [`${e.to}\u0000${e.shortcut ? "side" : "in"}`],
  }));
  root.edges = elkEdges;

  const laid = await new ELK().layout(root);

  const result: ElkResult = { nodes: new Map(), frames: new Map(), edges: new Map(), width: laid.width ?? 0, height: laid.height ?? 0 };
  const offsets = new Map<string, Point>([[root.id, [0, 0]]]);
  const walk = (parent: ElkNode, ox: number, oy: number): void => {
    for (const child of parent.children ?? []) {
      const x = ox + (child.x ?? 0);
      const y = oy + (child.y ?? 0);
      offsets.set(child.id, [x, y]);
      const rect = { x, y, width: child.width ?? 0, height: child.height ?? 0 };
      if (compound.has(child.id)) result.frames.set(child.id, rect);
      else result.nodes.set(child.id, rect);
      walk(child, x, y);
    }
  };
  walk(laid, 0, 0);
  const collect = (parent: ElkNode): void => {
    for (const edge of parent.edges ?? []) {
      // ELK reports edge coordinates relative to the edge's container node.
      const [ox, oy] = offsets.get(edge.container ?? parent.id) ?? [0, 0];
      const points: Point[] = [];
      for (const s of edge.sections ?? []) {
        for (const p of [s.startPoint, ...(s.bendPoints ?? []), s.endPoint]) points.push([ox + p.x, oy + p.y]);
      }
      result.edges.set(edge.id, points);
    }
    for (const child of parent.children ?? []) collect(child);
  };
  collect(laid);
  return result;
}
