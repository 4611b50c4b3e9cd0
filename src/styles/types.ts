/**
 * A figure style, the unit of extension of netfig's drawing (as a mark is in Observable
 * Plot, a diagram type in mermaid): which networks it can draw, what it needs run before
 * layout, how it lays a network out and how it draws the result. Each style is one module
 * in this folder and one entry in the registry (styles/index.ts); the stage code it
 * composes lives in layout/ and scene/, which know nothing of the registry.
 */
import type { AnalyzedNetwork } from "../analyze/types.js";
import type { Execution } from "../execute/numbers.js";
import type { OpCategory } from "../ops/types.js";
import type { RenderOptions } from "../options/figure.js";
import type { SceneOptions } from "../scene/index.js";
import type { Primitive, SceneLayer } from "../scene/types.js";
import type { Theme } from "../themes/types.js";

/**
 * A step that runs before layout for a style that asks for it. `execution`: the network
 * run forward once by the execute stage (execute/numbers.ts), its tensors handed to layout.
 */
export type StyleNeed = "execution";

/** What layout gets besides the network: the results of the steps the style `needs`. */
export interface StyleInputs {
  execution?: Execution;
}

/** A style's layout: its figure (plain data) and the figure's size in points. */
export interface StyleLayout<F> {
  figure: F;
  width: number;
  height: number;
}

/**
 * One network laid out in one style: plain data, serialisable, the scene's only input.
 * The union of these over the registered styles, tagged by `style`, is `LaidOutGraph`.
 */
export interface LaidOut<S extends string = string, F = unknown> {
  style: S;
  network: { name: string; title?: string };
  /** The resolved options it was laid out with. */
  options: RenderOptions;
  width: number;
  height: number;
  figure: F;
  /** The theme laid out with, when the request gave one instead of a name (print sizing, another font). */
  theme?: Theme;
  /** Every analysed layer of the network, for the scene's `layers` (what editable outputs name their groups by). */
  layers?: SceneLayer[];
}

/** The options a drawing reads: the laid-out figure's, with the scene's settings on top. */
export type DrawOptions = RenderOptions & SceneOptions;

/** A style's drawing before the page around it, which scene/chrome.ts's `pageOf` adds (title, legend, margins). */
export interface StyleDrawing {
  primitives: Primitive[];
  width: number;
  height: number;
  /** Layer kinds with the ops they stand for, for the legend; empty for figures without one. */
  present: Map<OpCategory, Set<string>>;
}

export interface FigureStyleModule<S extends string = string, F = unknown> {
  /** What `style:` in a `figure { }` block (and the option) calls it. */
  readonly name: S;
  /** Whether `style: auto` may pick it: auto takes the first style in registry order that may and fits. */
  readonly auto: boolean;
  /** Steps the pipeline runs before layout (see StyleNeed). */
  readonly needs?: readonly StyleNeed[];
  /** False for a style that draws no activation maps: `auto` passes it over when the figure is to show them. */
  readonly drawsActivations?: boolean;
  /**
   * True for a style that draws each repeated layer once with ×N, whatever `foldRepeats`
   * says: `auto` passes it over when every repetition is asked for (`foldRepeats` set false).
   */
  readonly foldsRepeats?: boolean;
  /** `true` when the style can draw the network, else the reason it cannot (the error names it when asked for by name). */
  fits(network: AnalyzedNetwork, options: RenderOptions): true | string;
  /** Positions the figure; called only for networks it fits, with the inputs its `needs` asked for. */
  layout(network: AnalyzedNetwork, options: RenderOptions, theme: Theme, inputs: StyleInputs): StyleLayout<F> | Promise<StyleLayout<F>>;
  /** The primitives of the laid-out figure, in drawing order. */
  draw(laidOut: LaidOut<S, F>, theme: Theme, options: DrawOptions, sceneOptions: SceneOptions): StyleDrawing;
}

/** Any registered style, whatever its figure. */
export type AnyFigureStyle = FigureStyleModule<string, unknown>;

/** The laid-out figure of a style (a union of styles gives the union of their figures). */
export type LaidOutOf<M> = M extends FigureStyleModule<infer S, infer F> ? LaidOut<S, F> : never;

/** A style's result for `fits` from a finder that returns what it found or why it found nothing. */
export function fitOf(found: unknown): true | string {
  return typeof found === "string" ? found : true;
}

/** A drawing of a whole laid-out figure that shows no legend: most styles but blocks. */
export function drawingOf(laidOut: LaidOut, primitives: Primitive[]): StyleDrawing {
  return { primitives, width: laidOut.width, height: laidOut.height, present: new Map() };
}
