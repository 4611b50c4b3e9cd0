import type { AnalyzedGraph, AnalyzedNetwork } from "../analyze/types.js";
import { figureOverrides } from "../graph/figure-settings.js";
import {
  DEFAULT_OPTIONS,
  mergeOptions,
  type RenderOptions,
  type RenderOverrides,
} from "../options/figure.js";
import { getTheme, THEME_NAMES, type Theme } from "../themes/index.js";
import { layoutBlocks } from "./blocks.js";
import { layoutArithmeticFigure } from "./arithmetic.js";
import { drawsNeurons, layoutNeuronFigure } from "./neurons.js";
import { layoutReceptiveFigure } from "./receptive.js";
import { layoutSequenceFigure, sequenceRows } from "./sequence.js";
import type { LaidOutGraph } from "./types.js";

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
  const blocks = await layoutBlocks(network, options, theme);
  return { ...header, ...blocks, ...(request.customTheme ? { theme: request.customTheme } : {}) };
}
