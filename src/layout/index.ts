import type { AnalyzedGraph, AnalyzedNetwork } from "../analyze/types.js";
import {
  DEFAULT_OPTIONS,
  figureOverrides,
  mergeOptions,
  type RenderOptions,
  type RenderOverrides,
} from "../render/options.js";
import type { Point } from "../scene/types.js";
import { fontOf, getTheme, THEME_NAMES, type Theme } from "../themes/index.js";
import { measureText } from "../text/measure.js";
import { layoutArithmeticFigure } from "./arithmetic.js";
import { drawnGraph, type DrawnNode } from "./drawn.js";
import { directLayout } from "./direct.js";
import type { ElkFrameInput, ElkInputNode } from "./elk.js";
import { nodeParams } from "./labels.js";
import { drawsNeurons, layoutNeuronFigure } from "./neurons.js";
import { layoutReceptiveFigure } from "./receptive.js";
import { layoutSequenceFigure, sequenceRows } from "./sequence.js";
import { blockGeometry, sumGeometry, type NodeGeometry } from "./node-geometry.js";
import type { LaidOutFrame, LaidOutGraph, LaidOutNode, PlacedLabel } from "./types.js";

export type { LaidOutGraph, LaidOutNode, LaidOutEdge, LaidOutFrame, PlacedLabel, Rect } from "./types.js";

export interface LayoutRequest extends RenderOverrides {
  /** Which network of a multi-network file to draw; the first by default. */
  network?: string;
  /**
   * A whole theme to draw with instead of the named one: print sizing (`printTheme` scales
   * fonts and strokes for `--width` and `--font-size`), another font, a theme of your own.
   * The laid-out graph carries it on to the scene.
   */
  customTheme?: Theme;
}

/** Picks the network to draw; an unknown name is an error that lists the known ones. */
export function pickNetwork(graph: AnalyzedGraph, name?: string): AnalyzedNetwork {
  const found = name === undefined ? graph.networks[0] : graph.networks.find((n) => n.network.name === name);
  if (!found) {
    const names = graph.networks.map((n) => n.network.name).join(", ");
    throw new Error(name === undefined ? `${graph.file}: no network to draw` : `no network "${name}" in ${graph.file} (it has ${names})`);
  }
  return found;
}

/** Options for one network: defaults < file `figure { }` < network `figure { }` < the request. */
export function resolveOptions(graph: AnalyzedGraph, network: AnalyzedNetwork, request: RenderOverrides = {}): RenderOptions {
  const overrides: LayoutRequest = { ...request };
  delete overrides.network;
  delete overrides.customTheme;
  return mergeOptions(
    DEFAULT_OPTIONS,
    figureOverrides(graph.figure, THEME_NAMES),
    figureOverrides(network.network.figure, THEME_NAMES),
    overrides,
  );
}

function isAnalyzedGraph(value: AnalyzedGraph | AnalyzedNetwork): value is AnalyzedGraph {
  return "networks" in value;
}

function place(labels: PlacedLabel[], dx: number, dy: number): PlacedLabel[] {
  return labels.map((l) => ({ ...l, at: [l.at[0] + dx, l.at[1] + dy] as Point }));
}

function kernelOf(node: DrawnNode): [number, number] | undefined {
  const k = node.layer.node.attrs["kernel"];
  return Array.isArray(k) && k.length === 2 ? [k[0]!, k[1]!] : undefined;
}

/**
 * Positions every block, merge, frame and edge of one network. The result is plain data
 * and carries the resolved options, so `buildScene` needs nothing else.
 */
export async function layout(analyzed: AnalyzedGraph | AnalyzedNetwork, request: LayoutRequest = {}): Promise<LaidOutGraph> {
  const network = isAnalyzedGraph(analyzed) ? pickNetwork(analyzed, request.network) : analyzed;
  const options = isAnalyzedGraph(analyzed)
    ? resolveOptions(analyzed, network, request)
    : resolveOptions({ file: "", networks: [network], figure: {} }, network, request);
  const header = { network: { name: network.network.name, title: network.network.title }, options };
  if (options.style === "arithmetic") {
    const { figure, width, height } = await layoutArithmeticFigure(network, options, request.customTheme ?? getTheme(options.theme));
    return { ...header, width, height, nodes: [], edges: [], frames: [], arithmetic: figure, ...(request.customTheme ? { theme: request.customTheme } : {}) };
  }
  if (options.style === "receptive") {
    const { figure, width, height } = layoutReceptiveFigure(network, options, request.customTheme ?? getTheme(options.theme));
    return { ...header, width, height, nodes: [], edges: [], frames: [], receptive: figure, ...(request.customTheme ? { theme: request.customTheme } : {}) };
  }
  if (drawsNeurons(network, options)) {
    const { figure, width, height } = layoutNeuronFigure(network, options, request.customTheme ?? getTheme(options.theme));
    return { ...header, width, height, nodes: [], edges: [], frames: [], neurons: figure, ...(request.customTheme ? { theme: request.customTheme } : {}) };
  }
  if (options.style === "auto" && sequenceRows(network)) {
    const { figure, width, height } = layoutSequenceFigure(network, options, request.customTheme ?? getTheme(options.theme));
    return { ...header, width, height, nodes: [], edges: [], frames: [], sequence: figure, ...(request.customTheme ? { theme: request.customTheme } : {}) };
  }
  const theme = request.customTheme ?? getTheme(options.theme);
  const drawn = drawnGraph(network, options);
  const params = new Map(network.layers.map((l) => [l.node.id, l.params]));
  const paramsOf = (id: string): number => params.get(id) ?? 0;

  const geometry = new Map<string, NodeGeometry>();
  for (const n of drawn.nodes) {
    geometry.set(n.id, n.kind === "sum" ? sumGeometry(theme, options, n.repeat) : blockGeometry(n, theme, options, nodeParams(n, paramsOf)));
  }
  const frameFont = fontOf(theme, theme.text.frame);
  const frameLabels = new Map<string, PlacedLabel>();
  const elkFrames: ElkFrameInput[] = drawn.frames.map((f) => {
    const text = f.repeat !== undefined ? `${f.label}  ×${f.repeat}` : f.label;
    const m = measureText(text, frameFont);
    frameLabels.set(f.id, { role: "label-frame", text, at: [0, 0], anchor: "start", style: "frame", width: m.width, ascent: m.ascent, descent: m.descent });
    return { ...f, labelHeight: m.ascent + m.descent, labelWidth: m.width };
  });
  const elkNodes: ElkInputNode[] = drawn.nodes.map((n) => ({ id: n.id, geometry: geometry.get(n.id)!, frame: n.frame }));
  // Series-parallel graphs (nearly every network) are laid out directly; ELK, and the
  // half second it takes to load, only for the rest (cross-connected towers, several inputs).
  const elk =
    directLayout(elkNodes, drawn.edges, elkFrames, options.direction) ??
    (await (await import("./elk.js")).runElk(elkNodes, drawn.edges, elkFrames, options.direction));

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
      category: n.category,
      members: n.members,
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
  const depthOf = new Map<string, number>();
  const frames: LaidOutFrame[] = drawn.frames.map((f) => {
    const depth = f.parent === undefined ? 0 : (depthOf.get(f.parent) ?? 0) + 1;
    depthOf.set(f.id, depth);
    const box = elk.frames.get(f.id)!;
    const label = frameLabels.get(f.id)!;
    // Shortcuts run along the left when the figure flows down, so the label moves right.
    const right = options.direction === "down";
    const at: Point = [right ? box.x + box.width - 6 : box.x + 6, box.y + 4 + label.ascent];
    return { id: f.id, box, depth, repeat: f.repeat, label: { ...label, anchor: right ? "end" : "start", at } };
  });
  const edges = drawn.edges.map((e) => ({ ...e, points: elk.edges.get(e.id) ?? [] }));
  return {
    network: { name: network.network.name, title: network.network.title },
    options,
    width: elk.width,
    height: elk.height,
    nodes,
    edges,
    frames,
    ...(request.customTheme ? { theme: request.customTheme } : {}),
  };
}
