import { existsSync } from "node:fs";
import { basename, extname } from "node:path";
import type { Command } from "commander";
import { renderFigure } from "../../api/render.js";
import type { RenderRequest } from "../../api/request.js";
import { FORMAT_NAMES, isFormat, type FormatName } from "../../api/formats.js";
import { THEME_NAMES } from "../../themes/index.js";
import { activationRequestOf, addActivationOptions, type ActivationFlags } from "../activations.js";
import { loadModel, writeOutput } from "../io.js";
import type { CommandContext } from "../main.js";
import { EXIT_OK, runCommand, UsageError } from "../report.js";

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
  style?: string;
  blockSize?: string;
  terse?: boolean;
  stackShapes?: boolean;
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

/** `--scale 2` is a PNG's pixels per point; a word is how tensor sizes become block sizes. */
function isPngScale(scale: string | undefined): scale is string {
  return scale !== undefined && /^[\d.+]/.test(scale.trim());
}

/** The flags as the library's render request: the command line is a thin caller of `render()`. */
export function requestOf(flags: RenderFlags, format: FormatName): RenderRequest {
  const numericScale = isPngScale(flags.scale);
  return {
    format,
    network: flags.network,
    theme: flags.theme,
    direction: flags.direction as RenderRequest["direction"],
    camera: flags.camera as RenderRequest["camera"],
    scale: numericScale ? undefined : (flags.scale as RenderRequest["scale"]),
    labels: flags.labels,
    legend: flags.legend as RenderRequest["legend"],
    title: flags.title,
    fold: flags.fold,
    foldRepeats: flags.foldRepeats,
    pyramids: flags.pyramids,
    rows: flags.rows as unknown as number | undefined,
    layout: flags.layout as RenderRequest["layout"],
    compact: flags.compact,
    style: flags.style,
    blockSize: flags.blockSize as unknown as number | undefined,
    terse: flags.terse,
    stackShapes: flags.stackShapes,
    collapse: flags.collapse,
    width: flags.width,
    maxHeight: flags.maxHeight,
    fontSize: flags.fontSize,
    font: flags.font,
    textAsPaths: flags.textAsPaths === true,
    tikzBody: flags.tikzBody,
    dpi: flags.dpi,
    pngScale: numericScale ? flags.scale : undefined,
    background: flags.background as RenderRequest["background"],
    activations: activationRequestOf(flags),
    onChoice: (line) => process.stderr.write(line + "\n"),
  };
}

/** `net.netfig` → `net.svg` beside it; stdin and template names write to stdout / the working directory. */
function defaultOutput(file: string): string {
  if (file === "-") return "-";
  const name = basename(file);
  const ext = extname(name);
  return `${ext === "" ? name : name.slice(0, -ext.length)}.svg`;
}

function formatOf(output: string): FormatName {
  if (output === "-") return "svg";
  const format = extname(output).toLowerCase().slice(1);
  if (!isFormat(format)) throw new UsageError(`cannot tell the format of ${output}: end it in ${FORMAT_NAMES.map((f) => `.${f}`).join(", ")}`);
  return format;
}

/** Draws FILE into OUTPUT; the output is written whole or not at all. */
async function renderFile(file: string, output: string, flags: RenderFlags): Promise<void> {
  const request = requestOf(flags, formatOf(output));
  const model = await loadModel(file);
  const { output: bytes, warnings } = await renderFigure(model, request);
  // Loading printed the model's own warnings already; the rest come from the activation run.
  for (const warning of warnings) if (!model.warnings.includes(warning)) process.stderr.write(`netfig: ${warning.message}\n`);
  await writeOutput(output, bytes);
}

/**
 * Re-renders whenever FILE is saved, however the editor saves it, printing one line per
 * render or the diagnostics (the last good figure stays); runs until interrupted.
 */
async function watchAndRender(file: string, output: string, flags: RenderFlags): Promise<never> {
  let running = Promise.resolve();
  const rerender = (): void => {
    running = running.then(async () => {
      const started = Date.now();
      // Whatever a save breaks (the network, the output file) is reported as the command would
      // report it, and the watch goes on.
      const status = await runCommand(() => renderFile(file, output, flags));
      if (status === EXIT_OK) process.stderr.write(`netfig: wrote ${output} (${Date.now() - started} ms)\n`);
      else process.stderr.write(`netfig: kept the last good ${output}\n`);
    });
  };
  // The watcher (chokidar) loads only for --watch.
  const { watchFile } = await import("../../serve/watch.js");
  const watcher = watchFile(file, rerender);
  await watcher.ready;
  process.stderr.write(`netfig: wrote ${output}; watching ${file} (Ctrl-C to stop)\n`);
  return new Promise<never>(() => {});
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
    .option("--no-fold-repeats", "draw every repetition of a repeated block (overrides the file's figure block; a Transformer is then drawn as blocks)")
    .option("--pyramids", "draw kernel pyramids from each block to the next")
    .option("--compact", "draw runs of one spatial size as slabs face to face with one label per run (PlotNeuralNet's look); --width uses it when that is what fits")
    .option("--no-compact", "never draw compact slabs")
    .option("--terse", "labels written once: the spatial size where it changes, channel counts elsewhere, no kernel details (--width uses it when nothing else fits)")
    .option("--no-terse", "never shorten labels")
    .option("--stack-shapes", "write each block's shape in two lines, the spatial size over the channels (570² over 64); --width uses it when nothing else fits")
    .option("--no-stack-shapes", "write each shape on one line (570×570×64)")
    .option("--collapse", "draw each module (an Inception module, a residual block) as one block named after it (--width uses it when nothing else fits)")
    .option("--no-collapse", "never collapse modules")
    .option("--block-size <k>", "every block k times its usual size beside the same text (0.25–8; --width chooses by itself)")
    .option("--rows <n>", "break a long network into N rows (columns when flowing down), at stage boundaries first; --width chooses by itself")
    .option("--style <name>", "the figure style: auto (default: the first that draws the network), neurons, sequence, transformer, blocks, compact, arithmetic or receptive")
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
    .option("--watch", "re-render whenever FILE is saved (in place or replaced by rename), one line per render; an error keeps the last good figure");
  addActivationOptions(command).action(async (file: string, flags: RenderFlags) => {
    context.exitCode = await runCommand(async () => {
      const output = flags.output ?? defaultOutput(file);
      if (flags.watch && !existsSync(file)) throw new UsageError("--watch needs a file to watch, not stdin or a template name");
      await renderFile(file, output, flags);
      if (flags.watch) await watchAndRender(file, output, flags);
    });
  });
}
