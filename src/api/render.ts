/**
 * `render(input, request)`: one call from a network to figure bytes, doing what
 * `netfig render` does — figure settings, fitting to a printed width, activations, every
 * format. The command line is a thin caller of this.
 */

import type { AnalyzedGraph } from "../analyze/types.js";
import { pickNetwork } from "../analyze/network.js";
import { DEFAULT_MAX_HEIGHT_PT, describeChoice, printFigure } from "../fit/print.js";
import type { Diagnostic } from "../lang/diagnostics.js";
import { parseFont } from "../text/font-file.js";
import { resolveOptions, type LayoutRequest, type SceneOptions } from "../styles/index.js";
import type { Scene } from "../scene/types.js";
import { getTheme } from "../themes/index.js";
import { FORMATS, type FormatName, type FormatOptions, type FormatOutput } from "./formats.js";
import { modelOf, type ModelInput } from "./input.js";
import { formatOf, layoutRequestOf, printOptionsOf, usable, type PrintOptions, type RenderRequest } from "./request.js";

/** The printed size of shape labels when `width` is given without `fontSize`. */
const DEFAULT_FONT_SIZE = 8;

/** A figure and what making it noticed without failing. */
export interface RenderResult<F extends FormatName = FormatName> {
  output: FormatOutput<F>;
  format: F;
  /** Loading warnings (an ONNX model's ignored attributes) and the activation run's, as diagnostics. */
  warnings: Diagnostic[];
  /** With `width`: which arrangement was chosen, in one line. */
  choice?: string;
}

/**
 * The scene at its printed size: with a width, the arrangement that prints best at it
 * (fit/print.ts); without, the natural size, wrapped only when it would grow without bound.
 */
async function sizedScene(analyzed: AnalyzedGraph, layoutRequest: LayoutRequest, request: RenderRequest, print: PrintOptions, sceneOptions: SceneOptions): Promise<{ scene: Scene; choice?: string }> {
  const font = request.font === undefined ? undefined : usable("font", parseFont(request.font));
  const base = getTheme(resolveOptions(analyzed, pickNetwork(analyzed, layoutRequest.network), layoutRequest).theme);
  const fontSize = print.fontSize ?? (print.width === undefined ? base.text.shape.size : DEFAULT_FONT_SIZE);
  const printed = await printFigure(analyzed, layoutRequest, { width: print.width, fontSize, font, maxHeight: print.maxHeight ?? DEFAULT_MAX_HEIGHT_PT }, sceneOptions);
  const widthText = typeof request.width === "number" ? `${request.width}pt` : String(request.width);
  return { scene: printed.chosen.scene, choice: print.width === undefined ? undefined : describeChoice(printed, `--width ${widthText}`) };
}

/** Renders and returns the figure with its warnings; throws NetfigError for invalid input, OptionError for a bad request value. */
export async function renderFigure<F extends FormatName = "svg">(input: ModelInput, request: RenderRequest & { format?: F } = {}): Promise<RenderResult<F>> {
  const format = formatOf(request) as F;
  const layoutRequest = layoutRequestOf(request);
  const print = printOptionsOf(request);
  const model = await modelOf(input, { name: request.name });
  // An unknown network is an option error before anything runs.
  const network = pickNetwork(model.analyzed, layoutRequest.network);
  const warnings = [...model.warnings];
  const sceneOptions: SceneOptions = {};
  if (request.activations !== undefined && request.activations !== false) {
    const { activationsOf } = await import("./activations.js");
    const run = await activationsOf(network, request.activations === true ? {} : request.activations, model.onnx);
    sceneOptions.activations = run.activations;
    warnings.push(...run.warnings.map((message): Diagnostic => ({ severity: "warning", message })));
  }
  const { scene, choice } = await sizedScene(model.analyzed, sceneOptions.activations ? { ...layoutRequest, activations: true } : layoutRequest, request, print, sceneOptions);
  if (choice !== undefined) request.onChoice?.(choice);
  if (print.background === "transparent") scene.background = "none";
  const renderer: { render(scene: Scene, options: FormatOptions): Promise<string | Uint8Array> } = FORMATS[format];
  const output = (await renderer.render(scene, { textAsPaths: request.textAsPaths === true, dpi: print.dpi, pngScale: print.pngScale, background: print.background, tikzBody: request.tikzBody === true })) as FormatOutput<F>;
  return { output, format, warnings, choice };
}

/** The figure as SVG or TikZ text (SVG by default), or PDF, PNG or PowerPoint bytes. */
export async function render<F extends FormatName = "svg">(input: ModelInput, request: RenderRequest & { format?: F } = {}): Promise<FormatOutput<F>> {
  return (await renderFigure(input, request)).output;
}
