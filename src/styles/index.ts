/**
 * The figure styles and the two entry points that dispatch on them: `layout()` (network →
 * laid-out figure, tagged by style) and `buildScene()` (laid-out figure → scene). A style
 * is one module of this folder (see types.ts) and one entry in `STYLES`; the names users
 * write (`figure { style: … }`, the `style` option) are the registry's names plus `auto`.
 */
import type { AnalyzedGraph, AnalyzedNetwork } from "../analyze/types.js";
import { executeNetwork, type Execution } from "../execute/numbers.js";
import { figureOverrides } from "../graph/figure-settings.js";
import { NetfigError } from "../lang/diagnostics.js";
import { getOp } from "../ops/index.js";
import { pickNetwork } from "../layout/index.js";
import { DEFAULT_OPTIONS, definedOnly, mergeOptions, type RenderOptions, type RenderOverrides } from "../options/figure.js";
import { pageOf } from "../scene/chrome.js";
import type { SceneOptions } from "../scene/index.js";
import type { Scene, SceneLayer } from "../scene/types.js";
import { getTheme, THEME_NAMES, type Theme } from "../themes/index.js";
import { arithmetic } from "./arithmetic.js";
import { blocks, compact } from "./blocks.js";
import { neurons } from "./neurons.js";
import { receptive } from "./receptive.js";
import { sequence } from "./sequence.js";
import { transformer } from "./transformer.js";
import type { AnyFigureStyle, LaidOutOf, StyleInputs } from "./types.js";

export type { FigureStyleModule, LaidOut, StyleDrawing, StyleInputs, StyleLayout, StyleNeed } from "./types.js";
export { pickNetwork } from "../layout/index.js";
export type { SceneOptions } from "../scene/index.js";

/**
 * Every figure style, in the order `style: auto` tries them: the first that may be picked
 * automatically and fits the network draws it (blocks fits every network).
 */
export const STYLES = [neurons, sequence, transformer, blocks, compact, arithmetic, receptive] as const;

/** One network laid out in one of the registered styles: `{ style: "neurons", figure: NeuronFigure, … }` and so on. */
export type LaidOutGraph = LaidOutOf<(typeof STYLES)[number]>;

export interface LayoutRequest extends RenderOverrides {
  /** Which network of a multi-network file to draw; the first by default. */
  network?: string;
  /**
   * A whole theme to draw with instead of the named one: print sizing (`printTheme` scales
   * fonts and strokes for `--width` and `--font-size`), another font, a theme of your own.
   * The laid-out graph carries it on to the scene.
   */
  customTheme?: Theme;
  /** The network's run, for a style that needs one, when the caller has it already; otherwise layout runs the execute stage. */
  execution?: Execution;
  /** The scene will draw activation maps (`render --activations`): `auto` picks a style that shows them. */
  activations?: boolean;
}

/**
 * The figure styles a program can draw with: these entry points over one list of styles.
 * The library's own (`layout`, `buildScene`, … below) are the registry of `STYLES`; a
 * program with styles of its own makes one over `[...itsStyles, ...STYLES]`.
 */
export interface StyleRegistry<M extends AnyFigureStyle> {
  readonly styles: readonly M[];
  /** What `style:` accepts: `auto` and every style's name. */
  readonly names: readonly string[];
  /** Options for one network: defaults < file `figure { }` < network `figure { }` < the request. */
  resolveOptions(graph: AnalyzedGraph, network: AnalyzedNetwork, request?: RenderOverrides): RenderOptions;
  /**
   * The style that draws the network with these options; an error saying why when the one
   * asked for cannot. `everyRepetition`: `foldRepeats` was set false (not merely left at its default).
   */
  pick(network: AnalyzedNetwork, options: RenderOptions, activations?: boolean, everyRepetition?: boolean): M;
  /**
   * Runs what the network's style needs (the execute stage for numbers), then positions
   * the figure. The result is plain data and carries the resolved options, so `buildScene`
   * needs nothing else.
   */
  layout(analyzed: AnalyzedGraph | AnalyzedNetwork, request?: LayoutRequest): Promise<LaidOutOf<M>>;
  /** The laid-out figure as the flat list of primitives every renderer draws, with its title, legend and margins. */
  buildScene(laidOut: LaidOutOf<M>, sceneOptions?: SceneOptions): Scene;
}

/** What a layer's group in an editable output says about it. */
function sceneLayers(network: AnalyzedNetwork): SceneLayer[] {
  return network.layers.map((l) => ({ name: l.node.id, op: l.node.op, category: getOp(l.node.op).category, shape: [...l.shape], params: l.params, macs: l.macs }));
}

/** Whether option `key` is set for the network (by the request, the file's or the network's `figure { }`) rather than left at its default. */
export function optionSet(graph: AnalyzedGraph, network: AnalyzedNetwork, request: RenderOverrides, key: keyof RenderOverrides): boolean {
  return request[key] !== undefined || graph.figure[key] !== undefined || network.network.figure[key] !== undefined;
}

function isAnalyzedGraph(value: AnalyzedGraph | AnalyzedNetwork): value is AnalyzedGraph {
  return "networks" in value;
}

/** A figure that cannot be drawn, pointed at the network it is about. */
function figureError(network: AnalyzedNetwork, message: string, hint?: string): NetfigError {
  return new NetfigError([{ severity: "error", message, location: network.network.loc, ...(hint ? { hint } : {}) }]);
}

/** One run per network however often it is laid out (`--width` lays a figure out several times). */
const executions = new WeakMap<AnalyzedNetwork, Promise<Execution>>();

function executionOf(network: AnalyzedNetwork): Promise<Execution> {
  let run = executions.get(network);
  if (!run) {
    run = executeNetwork(network);
    executions.set(network, run);
  }
  return run;
}

/** The steps before layout that a style needs, run. */
async function inputsFor(style: AnyFigureStyle, network: AnalyzedNetwork, request: LayoutRequest): Promise<StyleInputs> {
  const inputs: StyleInputs = {};
  if (style.needs?.includes("execution")) inputs.execution = request.execution ?? (await executionOf(network));
  return inputs;
}

/** The registry over `styles`, in the order `auto` tries them; names must be unique and not `auto`. */
export function styleRegistry<M extends AnyFigureStyle>(styles: readonly M[]): StyleRegistry<M> {
  const byName = new Map<string, M>();
  for (const style of styles) {
    if (style.name === "auto" || byName.has(style.name)) throw new Error(`figure style "${style.name}" is registered twice or named auto`);
    byName.set(style.name, style);
  }
  const names = ["auto", ...byName.keys()];

  const resolveOptions = (graph: AnalyzedGraph, network: AnalyzedNetwork, request: RenderOverrides = {}): RenderOptions => {
    const overrides: LayoutRequest = { ...request };
    delete overrides.network;
    delete overrides.customTheme;
    delete overrides.execution;
    delete overrides.activations;
    return mergeOptions(DEFAULT_OPTIONS, figureOverrides(graph.figure, THEME_NAMES), figureOverrides(network.network.figure, THEME_NAMES), overrides);
  };

  const pick = (network: AnalyzedNetwork, options: RenderOptions, activations = false, everyRepetition = false): M => {
    if (options.style === "auto") {
      const picked = styles.find(
        (s) => s.auto && (!activations || s.drawsActivations !== false) && (!everyRepetition || s.foldsRepeats !== true) && s.fits(network, options) === true,
      );
      if (!picked) throw figureError(network, `figure: no style draws ${network.network.name}`, `use style: ${names.slice(1).join(", ")}`);
      return picked;
    }
    const style = byName.get(options.style);
    if (!style) throw figureError(network, `figure: style must be one of ${names.join(", ")}, not ${JSON.stringify(options.style)}`);
    const fit = style.fits(network, options);
    if (fit !== true) throw figureError(network, `figure: style ${style.name} cannot draw ${network.network.name}: ${fit}`, "use style: blocks");
    if (activations && style.drawsActivations === false) throw figureError(network, `figure: style ${style.name} draws no activation maps`, "use style: blocks (or auto) with --activations, or leave --activations out");
    if (everyRepetition && style.foldsRepeats === true) throw figureError(network, `figure: style ${style.name} draws each repeated layer once with ×N`, "use style: blocks (or auto) to draw every repetition, or leave foldRepeats (--no-fold-repeats) out");
    return style;
  };

  const layout = async (analyzed: AnalyzedGraph | AnalyzedNetwork, request: LayoutRequest = {}): Promise<LaidOutOf<M>> => {
    const graph = isAnalyzedGraph(analyzed) ? analyzed : { file: "", networks: [analyzed], figure: {} };
    const network = isAnalyzedGraph(analyzed) ? pickNetwork(analyzed, request.network) : analyzed;
    const options = resolveOptions(graph, network, request);
    const theme = request.customTheme ?? getTheme(options.theme);
    const style = pick(network, options, request.activations === true, optionSet(graph, network, request, "foldRepeats") && !options.foldRepeats);
    const { figure, width, height } = await style.layout(network, options, theme, await inputsFor(style, network, request));
    const laidOut = {
      style: style.name,
      network: { name: network.network.name, title: network.network.title },
      options,
      width,
      height,
      figure,
      ...(request.customTheme ? { theme: request.customTheme } : {}),
      layers: sceneLayers(network),
    };
    return laidOut as LaidOutOf<M>;
  };

  const buildScene = (laidOut: LaidOutOf<M>, sceneOptions: SceneOptions = {}): Scene => {
    const style = byName.get(laidOut.style);
    if (!style) throw new Error(`no figure style "${laidOut.style}" to draw with (${names.slice(1).join(", ")})`);
    const options = { ...laidOut.options, ...definedOnly(sceneOptions) };
    const theme = laidOut.theme ?? getTheme(options.theme);
    const drawing = style.draw(laidOut, theme, options, sceneOptions);
    const scene = pageOf({ ...drawing, name: laidOut.network.title ?? laidOut.network.name }, options, theme);
    return laidOut.layers ? { ...scene, layers: laidOut.layers } : scene;
  };

  return { styles, names, resolveOptions, pick, layout, buildScene };
}

const registry: StyleRegistry<(typeof STYLES)[number]> = styleRegistry(STYLES);

/** What `style:` accepts: `auto` and the name of every registered style, in registry order. */
export const FIGURE_STYLES: readonly string[] = registry.names;

/** Options for one network: defaults < file `figure { }` < network `figure { }` < the request. */
export const resolveOptions: (graph: AnalyzedGraph, network: AnalyzedNetwork, request?: RenderOverrides) => RenderOptions = registry.resolveOptions;

/**
 * Positions every part of one network's figure in the style its options pick, after running
 * what that style needs (the execute stage, for numbers). The result is plain data and
 * carries the resolved options, so `buildScene` needs nothing else.
 */
export const layout: (analyzed: AnalyzedGraph | AnalyzedNetwork, request?: LayoutRequest) => Promise<LaidOutGraph> = registry.layout;

/**
 * Turns a laid-out figure into the flat list of primitives every renderer draws, in the
 * style it was laid out in, with the page around it (title, legend, margins).
 */
export const buildScene: (laidOut: LaidOutGraph, sceneOptions?: SceneOptions) => Scene = registry.buildScene;

/** The figure a style lays out: `FigureOfStyle<"neurons">` is `NeuronFigure`. */
export type FigureOfStyle<S extends LaidOutGraph["style"]> = { [L in LaidOutGraph as L["style"]]: L["figure"] }[S];

/** The figure of a laid-out graph when it is of `style`, else undefined: `figureOf(laidOut, "neurons")?.columns`. */
export function figureOf<S extends LaidOutGraph["style"]>(laidOut: LaidOutGraph, style: S): FigureOfStyle<S> | undefined {
  if (laidOut.style !== style) return undefined;
  const figure: unknown = laidOut.figure;
  return figure as FigureOfStyle<S>;
}
