import { existsSync, watch } from "node:fs";
import { basename, extname } from "node:path";
import type { Command } from "commander";
import type { AttrValue, FigureSettings } from "../../graph/types.js";
import { isNetfigError } from "../../lang/diagnostics.js";
import type { AnalyzedGraph } from "../../analyze/types.js";
import { pickNetwork, resolveOptions, type LayoutRequest, type SceneOptions } from "../../styles/index.js";
import { figureOverrides } from "../../graph/figure-settings.js";
import { renderSvg } from "../../render/svg.js";
import { parseBackground, parseDpi, parseFontSize, parseLength, parseScale, type Parsed } from "../../options/print.js";
import { parseFont } from "../../text/font-file.js";
import { describeChoice, DEFAULT_MAX_HEIGHT_PT, printFigure } from "../../fit/print.js";
import type { Scene } from "../../scene/types.js";
import { getTheme, THEME_NAMES } from "../../themes/index.js";
import { activationsFor, addActivationOptions, type ActivationFlags } from "../activations.js";
import { loadModel, writeOutput } from "../io.js";
import type { CommandContext } from "../main.js";
import { printDiagnostics, runCommand, UsageError } from "../report.js";

interface RenderFlags extends ActivationFlags {
  output?: string;
  theme?: string;
  direction?: string;
  camera?: string;
  scale?: string;
  labels?: string;
  legend?: boolean | string;
  title?: string;
  fold?: boolean;
  foldRepeats?: boolean;
  pyramids?: boolean;
  rows?: string;
  layout?: string;
  compact?: boolean;
  blockSize?: string;
  terse?: boolean;
  collapse?: boolean;
  network?: string;
  textAsPaths?: boolean;
  watch?: boolean;
  dpi?: string;
  background?: string;
  width?: string;
  maxHeight?: string;
  fontSize?: string;
  font?: string;
  tikzBody?: boolean;
}

const FORMATS = [".svg", ".pdf", ".png", ".tex", ".pptx"];

/** Flags read exactly like `figure { }` entries, so both accept and reject the same values. */
function flagOverrides(flags: RenderFlags): LayoutRequest {
  const settings: FigureSettings = {};
  const keys = ["theme", "direction", "camera", "scale", "labels", "legend", "title", "fold", "foldRepeats", "pyramids", "rows", "layout", "compact", "blockSize", "terse", "collapse"] as const;
  for (const key of keys) {
    const value = flags[key];
    // `--scale 2` is the PNG's pixels per point (export issue); a word is the block scale.
    if (key === "scale" && pngScale(flags) !== undefined) continue;
    if (value !== undefined) settings[key] = value as AttrValue;
  }
  try {
    return { ...figureOverrides(settings, THEME_NAMES), network: flags.network };
  } catch (error) {
    // `figure: blockSize must …` is the flag `--block-size` here.
    if (isNetfigError(error)) throw new UsageError(error.message.replace(/^figure: (\w+)/, (_, key: string) => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`));
    throw error;
  }
}

/** `--scale` given as a number: PNG pixels per point (2 is 144 dpi). */
function pngScale(flags: RenderFlags): number | undefined {
  if (flags.scale === undefined || !/^[\d.+]/.test(flags.scale.trim())) return undefined;
  return usable(parseScale(flags.scale));
}

/** `net.netfig` → `net.svg` beside it; stdin and template names write to stdout / the working directory. */
function defaultOutput(file: string): string {
  if (file === "-") return "-";
  const name = basename(file);
  const ext = extname(name);
  return `${ext === "" ? name : name.slice(0, -ext.length)}.svg`;
}

function formatOf(output: string): string {
  if (output === "-") return ".svg";
  const ext = extname(output).toLowerCase();
  if (!FORMATS.includes(ext)) throw new UsageError(`cannot tell the format of ${output}: end it in ${FORMATS.join(", ")}`);
  return ext;
}

/** A parsed flag value, or a usage error with the parser's message. */
function usable<T>(parsed: Parsed<T>): T {
  if (!parsed.ok) throw new UsageError(parsed.error);
  return parsed.value;
}

/** The printed size of shape labels when `--width` is given without `--font-size`. */
const DEFAULT_FONT_SIZE = 8;

/**
 * The scene at its printed size. `--width` tries the arrangements the user left open and
 * keeps the one that prints best at that width (fit/print.ts), saying in one line what it
 * chose; without `--width` the figure keeps its natural size and wraps only when it would
 * grow without bound.
 */
async function sizedScene(analyzed: AnalyzedGraph, request: LayoutRequest, flags: RenderFlags, sceneOptions: SceneOptions): Promise<Scene> {
  const width = flags.width === undefined ? undefined : usable(parseLength(flags.width));
  const maxHeight = flags.maxHeight === undefined ? DEFAULT_MAX_HEIGHT_PT : usable(parseLength(flags.maxHeight, "--max-height"));
  const fontSize = flags.fontSize === undefined ? undefined : usable(parseFontSize(flags.fontSize));
  const font = flags.font === undefined ? undefined : usable(parseFont(flags.font));
  const base = getTheme(resolveOptions(analyzed, pickNetwork(analyzed, request.network), request).theme);
  const size = fontSize ?? (width === undefined ? base.text.shape.size : DEFAULT_FONT_SIZE);
  const printed = await printFigure(analyzed, request, { width, fontSize: size, font, maxHeight }, sceneOptions);
  if (width !== undefined) process.stderr.write(describeChoice(printed, `--width ${flags.width}`) + "\n");
  return printed.chosen.scene;
}

/** Draws FILE into OUTPUT; the output is written whole or not at all. */
async function renderFile(file: string, output: string, flags: RenderFlags): Promise<void> {
  const format = formatOf(output);
  if (flags.tikzBody && format !== ".tex") throw new UsageError("--tikz-body is for TikZ output: write to a .tex file");
  if (format === ".pptx" && flags.activations) throw new UsageError("PowerPoint output cannot draw activation maps on the blocks yet: leave out --activations, or write .svg, .pdf or .tex");
  const request = flagOverrides(flags);
  const dpi = flags.dpi === undefined ? undefined : usable(parseDpi(flags.dpi));
  const scale = pngScale(flags);
  if (dpi !== undefined && scale !== undefined) throw new UsageError("give --dpi or a numeric --scale for a PNG, not both");
  const background = flags.background === undefined ? "white" : usable(parseBackground(flags.background));
  const { analyzed, onnx } = await loadModel(file);
  // An unknown --network is a usage error before anything runs.
  const activations = await activationsFor(pickNetwork(analyzed, flags.network), flags, onnx);
  const scene = await sizedScene(analyzed, request, flags, { activations });
  if (background === "transparent") scene.background = "none";
  // pdfkit and resvg load only when asked for: an SVG render starts faster without them.
  if (format === ".pdf") writeOutput(output, await (await import("../../render/pdf.js")).renderPdf(scene));
  else if (format === ".png") {
    // Glyph outlines: resvg would shape a mixed-script label under one script (see text/shaping.ts).
    const svg = renderSvg(scene, { textAsPaths: true });
    writeOutput(output, (await import("../../render/png.js")).renderPng(svg, { dpi, scale, background }));
  }
  else if (format === ".tex") writeOutput(output, (await import("../../render/tikz.js")).renderTikz(scene, { body: flags.tikzBody === true }));
  else if (format === ".pptx") writeOutput(output, await (await import("../../render/pptx.js")).renderPptx(scene));
  else writeOutput(output, renderSvg(scene, { textAsPaths: flags.textAsPaths === true }));
}

/**
 * Re-renders whenever FILE changes. A broken edit prints its diagnostics and keeps the
 * last good figure; the command runs until interrupted.
 */
function watchFile(file: string, output: string, flags: RenderFlags): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  let running = Promise.resolve();
  const rerender = (): void => {
    running = running.then(async () => {
      try {
        await renderFile(file, output, flags);
        process.stderr.write(`netfig: wrote ${output}\n`);
      } catch (error) {
        if (!isNetfigError(error)) throw error;
        printDiagnostics(error.diagnostics);
      }
    });
  };
  // Editors save in bursts (truncate, write, rename): wait for the file to settle.
  watch(file, () => {
    clearTimeout(timer);
    timer = setTimeout(rerender, 80);
  });
  return new Promise(() => {});
}

export function registerRender(program: Command, context: CommandContext): void {
  const command = program
    .command("render")
    .description("draw the network as a figure; the format follows the output's extension (.svg, .pdf, .png, .tex, .pptx)")
    .argument("<file>", "a .netfig file, a bundled template name, or - for stdin")
    .option("-o, --output <file>", "where to write: .svg, .pdf, .png, .tex (TikZ) or .pptx (PowerPoint); - for SVG on stdout (default: FILE.svg)")
    .option("--theme <name>", `colours and fonts: ${THEME_NAMES.join(", ")} (default paper)`)
    .option("--direction <dir>", "the flow of the figure: right or down (default right)")
    .option("--camera <kind>", "oblique (default) or perspective")
    .option("--scale <kind|n>", "how tensor sizes become block sizes: log (default), sqrt or linear; a number is a PNG's pixels per point instead (2 = 144 dpi)")
    .option("--labels <list>", "labels to show, comma-separated: shape,name,channels,params, or none (default shape,name)")
    .option("--legend [where]", "draw the legend of the layer kinds present: bottom (default, wrapped to the figure's width) or right")
    .option("--no-legend", "leave the legend out")
    .option("--title <text>", "a title above the figure")
    .option("--fold", "fold activations, normalisation and dropout into the block before them, as bands (default)")
    .option("--no-fold", "draw every layer as a block of its own")
    .option("--fold-repeats", "draw each repeated block once, with a ×N badge")
    .option("--no-fold-repeats", "draw every repetition of a repeated block (overrides the file's figure block)")
    .option("--pyramids", "draw kernel pyramids from each block to the next")
    .option("--compact", "draw runs of one spatial size as slabs face to face with one label per run (PlotNeuralNet's look); --width uses it when that is what fits")
    .option("--no-compact", "never draw compact slabs")
    .option("--terse", "labels written once: the spatial size where it changes, channel counts elsewhere, no kernel details (--width uses it when nothing else fits)")
    .option("--no-terse", "never shorten labels")
    .option("--collapse", "draw each module (an Inception module, a residual block) as one block named after it (--width uses it when nothing else fits)")
    .option("--no-collapse", "never collapse modules")
    .option("--block-size <k>", "every block k times its usual size beside the same text (0.25–8; --width chooses by itself)")
    .option("--rows <n>", "break a long network into N rows (columns when flowing down), at stage boundaries first; --width chooses by itself")
    .option("--layout <engine>", "what places the blocks: auto (default: the direct layout where it applies, ELK elsewhere), direct or elk")
    .option("--network <name>", "which network of the file to draw (default: the first)")
    .option("--text-as-paths", "SVG only: draw text as glyph outlines (same look without the fonts, not selectable)")
    .option("--width <length>", "printed width, e.g. 85mm (one column), 178mm (two), 3.5in or 240pt; the figure is laid out again for it, not shrunk")
    .option("--max-height <length>", "with --width: the tallest the figure may print (default 9in, a page's text height)")
    .option("--font-size <pt>", "printed size of the shape labels in points; other text keeps its proportion (default 8 with --width)")
    .option("--font <name|file>", "font for every label: sans, serif (Computer Modern), mono, or a .ttf/.otf file")
    .option("--dpi <n>", "PNG only: dots per inch (default 300)")
    .option("--tikz-body", ".tex only: write just the colours and the tikzpicture, to \\input into a document that loads TikZ (default: a document pdflatex compiles alone)")
    .option("--background <kind>", "white (default) or transparent")
    .option("--watch", "re-render whenever FILE changes; an error keeps the last good figure");
  addActivationOptions(command).action(async (file: string, flags: RenderFlags) => {
      context.exitCode = await runCommand(async () => {
        const output = flags.output ?? defaultOutput(file);
        if (flags.watch && !existsSync(file)) throw new UsageError("--watch needs a file to watch, not stdin or a template name");
        await renderFile(file, output, flags);
        if (flags.watch) {
          process.stderr.write(`netfig: wrote ${output}; watching ${file}\n`);
          await watchFile(file, output, flags);
        }
      });
    });
}
