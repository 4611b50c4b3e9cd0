/**
 * A render request as a script writes it: the figure settings a `figure { }` block takes,
 * the printed size, the output format and an activation run. Every value is checked as the
 * command line checks its flags (the CLI passes its flags through here); a bad one is an
 * OptionError naming the option.
 */

import type { AttrValue, FigureSettings } from "../graph/types.js";
import { figureOverrides } from "../graph/figure-settings.js";
import { isNetfigError } from "../lang/diagnostics.js";
import { OptionError } from "../options/errors.js";
import { parseBackground, parseDpi, parseFontSize, parseLength, parseScale, type Background, type Parsed } from "../options/print.js";
import type { LayoutRequest } from "../styles/index.js";
import { THEME_NAMES } from "../themes/index.js";
import { FORMAT_NAMES, isFormat, type FormatName } from "./formats.js";

/** A number, or its text as a user typed it (`"85mm"`, `"2"`). */
export type NumberLike = number | string;

/** The figure's settings, named and valued as in a `figure { }` block (docs/language.md). */
export interface FigureRequest {
  theme?: string;
  direction?: "right" | "down";
  camera?: "oblique" | "perspective";
  angle?: number;
  depth?: number;
  /** How tensor sizes become block sizes. */
  scale?: "log" | "sqrt" | "linear";
  labels?: string | string[];
  legend?: boolean | "bottom" | "right" | "none";
  title?: string;
  fold?: boolean;
  foldRepeats?: boolean;
  pyramids?: boolean;
  style?: string;
  rows?: number;
  layout?: "auto" | "direct" | "elk";
  compact?: boolean;
  blockSize?: number;
  terse?: boolean;
  stackShapes?: boolean;
  collapse?: boolean;
}

export const FIGURE_KEYS = ["theme", "direction", "camera", "angle", "depth", "scale", "labels", "legend", "title", "fold", "foldRepeats", "pyramids", "style", "rows", "layout", "compact", "blockSize", "terse", "stackShapes", "collapse"] as const satisfies readonly (keyof FigureRequest)[];

/** Drawing real activation maps on the blocks: the network runs on an image first. */
export interface ActivationRequest {
  /** A PNG/JPEG/.npy path (Node only); default the file's `values=`, else the bundled sample image. */
  image?: string;
  /** A `.safetensors` file with PyTorch state-dict names (Node only); default seeded He/Xavier. */
  weights?: string;
  seed?: NumberLike;
  threads?: NumberLike;
  mean?: number[];
  std?: number[];
  channel?: NumberLike;
  /** The attention head attention layers show (default: the mean of their heads). */
  head?: NumberLike;
  grid?: NumberLike;
  colormap?: string;
  normalize?: "layer" | "global";
  /** Sees each layer as it runs (progress lines). */
  onLayer?(done: number, total: number, layer: string): void;
}

export interface RenderRequest extends FigureRequest {
  /** svg (default), pdf, png, tex (TikZ) or pptx (PowerPoint). */
  format?: FormatName;
  /** Which network of the file to draw (default the first). */
  network?: string;
  /** The printed width (`"85mm"`, `"3.5in"`, or points); the figure is laid out again for it. */
  width?: NumberLike;
  /** With `width`: the tallest it may print (default 9in). */
  maxHeight?: NumberLike;
  /** Printed size of the shape labels in points (default 8 with `width`). */
  fontSize?: NumberLike;
  /** sans, serif, mono, or a .ttf/.otf path (Node only). */
  font?: string;
  /** SVG: text as glyph outlines. */
  textAsPaths?: boolean;
  /** TeX: only the colours and the `tikzpicture`, to `\input` into a document (default: a document pdflatex compiles alone). */
  tikzBody?: boolean;
  /** PNG: dots per inch (default 300), or `pngScale` pixels per point instead. */
  dpi?: NumberLike;
  pngScale?: NumberLike;
  background?: Background;
  activations?: boolean | ActivationRequest;
  /** The name diagnostics use for text or ONNX bytes. */
  name?: string;
  /** With `width`: one line saying which arrangement was chosen and how to force another. */
  onChoice?(line: string): void;
}

/** A parsed value, or an OptionError with the parser's message (its `--flag: ` prefix left to the caller). */
export function usable<T>(option: string, parsed: Parsed<T>): T {
  if (!parsed.ok) throw new OptionError(option, parsed.error.replace(/^--[\w-]+: /, ""));
  return parsed.value;
}

export function points(option: string, value: NumberLike, flag: string): number {
  return typeof value === "number" ? usable(option, parseLength(`${value}pt`, flag)) : usable(option, parseLength(value, flag));
}

export function formatOf(request: RenderRequest): FormatName {
  const format = request.format ?? "svg";
  if (!isFormat(format)) throw new OptionError("format", `'${String(format)}' is not one of ${FORMAT_NAMES.join(", ")}`);
  if (request.tikzBody === true && format !== "tex") throw new OptionError("tikzBody", "is for TikZ output: write to a .tex file (format tex)");
  if (format === "pptx" && request.activations !== undefined && request.activations !== false) {
    throw new OptionError("activations", "PowerPoint output cannot draw activation maps on the blocks yet: leave them out, or write .svg, .pdf or .tex");
  }
  return format;
}

/** The figure settings read exactly like `figure { }` entries, so both accept and reject the same values. */
export function layoutRequestOf(request: RenderRequest): LayoutRequest {
  const settings: FigureSettings = {};
  for (const key of FIGURE_KEYS) {
    const value = request[key];
    if (value !== undefined) settings[key] = value as AttrValue;
  }
  try {
    return { ...figureOverrides(settings, THEME_NAMES), network: request.network };
  } catch (error) {
    const match = isNetfigError(error) ? /^figure: (\w+) (.*)$/s.exec(error.message) : null;
    if (match) throw new OptionError(match[1]!, match[2]!);
    throw error;
  }
}

export interface PrintOptions {
  dpi?: number;
  pngScale?: number;
  background: Background;
  fontSize?: number;
  width?: number;
  maxHeight?: number;
}

export function printOptionsOf(request: RenderRequest): PrintOptions {
  const dpi = request.dpi === undefined ? undefined : usable("dpi", parseDpi(String(request.dpi)));
  const pngScale = request.pngScale === undefined ? undefined : usable("scale", parseScale(String(request.pngScale)));
  if (dpi !== undefined && pngScale !== undefined) throw new OptionError("dpi", "give dpi or a PNG scale, not both");
  return {
    dpi,
    pngScale,
    background: request.background === undefined ? "white" : usable("background", parseBackground(request.background)),
    fontSize: request.fontSize === undefined ? undefined : usable("fontSize", parseFontSize(String(request.fontSize))),
    width: request.width === undefined ? undefined : points("width", request.width, "--width"),
    maxHeight: request.maxHeight === undefined ? undefined : points("maxHeight", request.maxHeight, "--max-height"),
  };
}
