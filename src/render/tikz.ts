/**
 * Scene → TikZ for LaTeX: blocks as filled paths, colours as named `\definecolor`s, every
 * label a node set by LaTeX in the document's own font at the scene's sizes, one scope per
 * layer (the SVG's groups, see groups.ts) with the layer's name and numbers in a comment.
 * Coordinates are in bp, the scene's own unit, so the figure is exactly as wide as
 * `--width` made it.
 *
 * The standalone file is `\documentclass{article}` with the page set to the figure by TeX's
 * own lengths, not the `standalone` class: that class ships in texlive-latex-extra, this
 * needs only what pdflatex always has (texlive-latex-base) and TikZ. `fix-cm` (LaTeX base)
 * lets Computer Modern take the scene's fractional sizes (8.5 pt) instead of the nearest
 * design size. The body (`body: true`) is what a paper `\input`s: colours and the picture.
 */

import type { Color, PathCommand, Point, Stroke } from "../geometry/types.js";
import type { Primitive, Scene, TextPrimitive } from "../scene/types.js";
import { PNG } from "pngjs";
import { arrowHead } from "./arrow.js";
import { groupScene, isGroup, shapeText, type LayerGroup, type SceneGroup } from "./groups.js";
import { latexComment, latexText } from "./latex.js";

export interface TikzOptions {
  /** Only the colours and the `tikzpicture`, for `\input` into a document that loads TikZ. */
  body?: boolean;
}

/** Two decimals of a bp, as the SVG writes them. */
function num(v: number): string {
  const r = Math.round(v * 100) / 100;
  return Object.is(r, -0) ? "0" : String(r);
}

/** Four decimals, for a thumbnail pixel's size: two would shift its last column by up to a tenth of a point. */
function exact(v: number): string {
  const r = Math.round(v * 1e4) / 1e4;
  return Object.is(r, -0) ? "0" : String(r);
}

function pt([x, y]: Point): string {
  return `(${num(x)},${num(y)})`;
}

/** Named colours, numbered by what first uses them (`nfconv1`, `nfedges1`), letters and digits only so xcolor reads them as names. */
class Palette {
  private readonly names = new Map<string, string>();
  private readonly counts = new Map<string, number>();
  name(color: Color, usedBy: string): string {
    const hex = normalHex(color);
    let name = this.names.get(hex);
    if (name === undefined) {
      const stem = `nf${usedBy.toLowerCase().replace(/[^a-z]/g, "") || "figure"}`;
      const n = (this.counts.get(stem) ?? 0) + 1;
      this.counts.set(stem, n);
      name = `${stem}${romanLetters(n)}`;
      this.names.set(hex, name);
    }
    return name;
  }
  definitions(): string[] {
    return [...this.names].map(([hex, name]) => `\\definecolor{${name}}{HTML}{${hex.slice(1).toUpperCase()}}`);
  }
}

/** 1 → a, 26 → z, 27 → aa: digits in a colour name would be read as a mix percentage by xcolor. */
function romanLetters(n: number): string {
  let s = "";
  for (let k = n; k > 0; k = Math.floor((k - 1) / 26)) s = String.fromCharCode(97 + ((k - 1) % 26)) + s;
  return s;
}

function normalHex(color: Color): string {
  if (/^#[0-9a-f]{6}$/i.test(color)) return color.toLowerCase();
  if (/^#[0-9a-f]{3}$/i.test(color)) return `#${[...color.slice(1)].map((c) => c + c).join("")}`.toLowerCase();
  throw new Error(`renderTikz: colour ${JSON.stringify(color)} is not #rrggbb or "none"`);
}

function pathData(commands: PathCommand[]): string {
  const parts: string[] = [];
  for (const c of commands) {
    if (c.op === "M") parts.push(pt(c.to));
    else if (c.op === "L") parts.push(`-- ${pt(c.to)}`);
    else if (c.op === "C") parts.push(`.. controls ${pt(c.c1)} and ${pt(c.c2)} .. ${pt(c.to)}`);
    else parts.push("-- cycle");
  }
  return parts.join(" ");
}

const JOIN = { miter: "miter", round: "round", bevel: "bevel" } as const;
const CAP = { butt: "butt", round: "round", square: "rect" } as const;

class TikzWriter {
  readonly lines: string[] = [];
  constructor(readonly palette: Palette) {}

  private strokeOptions(stroke: Stroke | undefined, usedBy: string): string[] {
    if (!stroke || stroke.color === "none" || !(stroke.width > 0)) return [];
    // Lines are named for what they are, fills for the layer kind: \definecolor{nfconva} recolours convolutions.
    const out = [`draw=${this.palette.name(stroke.color, usedBy === "edges" ? "edge" : "line")}`, `line width=${num(stroke.width)}bp`];
    // TikZ's default join is miter with limit 10; SVG's limit is 4, which the PDF output matches too.
    out.push(`line join=${JOIN[stroke.join ?? "miter"]}`, "miter limit=4");
    if (stroke.cap) out.push(`line cap=${CAP[stroke.cap]}`);
    const dash = stroke.dash ?? [];
    if (dash.length > 0 && dash.every((d) => Number.isFinite(d) && d >= 0) && dash.some((d) => d > 0)) {
      const pairs = dash.length % 2 === 0 ? dash : [...dash, ...dash];
      const pattern: string[] = [];
      for (let i = 0; i < pairs.length; i += 2) pattern.push(`on ${num(pairs[i]!)}bp off ${num(pairs[i + 1]!)}bp`);
      out.push(`dash pattern=${pattern.join(" ")}`);
    }
    return out;
  }

  private fillOptions(fill: Color | undefined, opacity: number | undefined, usedBy: string): string[] {
    if (fill === undefined || fill === "none") return [];
    const out = [`fill=${this.palette.name(fill, usedBy)}`];
    if (opacity !== undefined && opacity < 1) out.push(`fill opacity=${num(Math.max(0, opacity))}`);
    return out;
  }

  private path(options: string[], geometry: string): void {
    if (options.length === 0) return;
    this.lines.push(`\\path[${options.join(", ")}] ${geometry};`);
  }

  primitive(p: Primitive, usedBy: string): void {
    switch (p.type) {
      case "polygon": {
        if (p.points.length < 2) return;
        const geometry = `${p.points.map(pt).join(" -- ")} -- cycle`;
        this.path([...this.fillOptions(p.paint.fill, p.paint.fillOpacity, usedBy), ...this.strokeOptions(p.paint.stroke, usedBy)], geometry);
        return;
      }
      case "path": {
        if (p.commands.length === 0) return;
        const head = p.arrow === "end" && p.paint.stroke ? arrowHead(p.commands, p.paint.stroke.width) : undefined;
        this.path([...this.fillOptions(p.paint.fill, p.paint.fillOpacity, usedBy), ...this.strokeOptions(p.paint.stroke, usedBy)], pathData(head ? head.shortened : p.commands));
        if (head) this.path([`fill=${this.palette.name(p.paint.stroke!.color, usedBy === "edges" ? "edge" : "line")}`], `${head.polygon.map(pt).join(" -- ")} -- cycle`);
        return;
      }
      case "circle": {
        if (!(p.radius > 0)) return;
        this.path([...this.fillOptions(p.paint.fill, p.paint.fillOpacity, usedBy), ...this.strokeOptions(p.paint.stroke, usedBy)], `${pt(p.center)} circle[radius=${num(p.radius)}]`);
        return;
      }
      case "text":
        this.text(p);
        return;
      case "image":
        this.image(p.png, p.corners);
        return;
    }
  }

  private text(t: TextPrimitive): void {
    const body = latexText(t.text);
    if (t.text.trim() === "" || !(t.font.size > 0) || t.color === "none") return;
    const anchor = t.anchor === "start" ? "base west" : t.anchor === "end" ? "base east" : "base";
    const size = num(t.font.size);
    const font = `\\fontsize{${size}bp}{${num(t.font.size * 1.2)}bp}\\selectfont${t.font.weight === "bold" ? "\\bfseries" : ""}${t.font.style === "italic" ? "\\itshape" : ""}`;
    const options = [`anchor=${anchor}`, "inner sep=0pt", "outer sep=0pt", `text=${this.palette.name(t.color, "text")}`, `font=${font}`];
    if (t.rotate) options.push(`rotate=${num(t.rotate)}`);
    this.lines.push(`\\node[${options.join(", ")}] at ${pt(t.at)} {${body}};`);
  }

  /**
   * Thumbnails as their pixels, filled cells on the face's parallelogram: no image files
   * beside the .tex. A thumbnail is an activation map enlarged to print resolution, so runs
   * of one colour merge along a row, and rows like the one above into taller cells.
   */
  private image(png: Uint8Array, [tl, tr, bl]: [Point, Point, Point]): void {
    // pngjs gives 8-bit RGBA whatever the PNG's own format.
    const { width, height, data: rgba } = PNG.sync.read(Buffer.from(png.buffer, png.byteOffset, png.byteLength));
    const a = [(tr[0] - tl[0]) / width, (tr[1] - tl[1]) / width];
    const b = [(bl[0] - tl[0]) / height, (bl[1] - tl[1]) / height];
    if (Math.abs(a[0]! * b[1]! - a[1]! * b[0]!) < 1e-12) return;
    // The scope's axes are one pixel along the face's edges (in page bp, y up), from its top-left
    // corner. Cells are closed paths: `rectangle` would draw them axis-aligned on a skewed face.
    this.lines.push(`\\begin{scope}[shift={${pt(tl)}}, x={(${exact(a[0]!)}bp,${exact(-a[1]!)}bp)}, y={(${exact(b[0]!)}bp,${exact(-b[1]!)}bp)}]`);
    const runsOf = (row: number): string[] => {
      const runs: string[] = [];
      let from = 0;
      for (let col = 1; col <= width; col++) {
        const i = (row * width + col) * 4;
        const j = (row * width + from) * 4;
        if (col < width && rgba.readUInt32BE(i) === rgba.readUInt32BE(j)) continue;
        runs.push(`${from},${col},${rgba.readUInt32BE(j)}`);
        from = col;
      }
      return runs;
    };
    // Inner cells reach a twentieth of a pixel under their neighbours: abutting antialiased
    // edges would otherwise let the white page show through as hairlines.
    const over = (edge: number, end: number) => (edge < end ? edge + 0.05 : edge);
    let top = 0;
    let runs = runsOf(0);
    for (let row = 1; row <= height; row++) {
      const next = row < height ? runsOf(row) : [];
      if (row < height && next.join(";") === runs.join(";")) continue;
      for (const run of runs) {
        const [from, to, rgbaValue] = run.split(",").map(Number) as [number, number, number];
        const alpha = (rgbaValue & 0xff) / 255;
        if (alpha === 0) continue;
        // Pixels are data, not a palette: written in place rather than as thousands of named colours.
        const rgb = `red,${(rgbaValue >>> 24) & 0xff};green,${(rgbaValue >>> 16) & 0xff};blue,${(rgbaValue >>> 8) & 0xff}`;
        const opacity = alpha < 1 ? `, fill opacity=${num(alpha)}` : "";
        this.lines.push(`\\fill[fill={rgb,255:${rgb}}${opacity}] (${from},${top}) -- (${over(to, width)},${top}) -- (${over(to, width)},${over(row, height)}) -- (${from},${over(row, height)}) -- cycle;`);
      }
      top = row;
      runs = next;
    }
    this.lines.push("\\end{scope}");
  }
}

function layerComment(group: LayerGroup): string {
  const info = group.info;
  const facts = info ? ` (${info.op}, ${shapeText(info.shape)}, ${info.params} params, ${info.macs} MACs)` : "";
  return `% layer ${latexComment(group.name)}${latexComment(facts)}`;
}

function writeGroup(out: TikzWriter, group: SceneGroup): void {
  if (group.kind !== "layer") {
    out.lines.push(`% ${group.kind}`, "\\begin{scope}");
    for (const p of group.items) out.primitive(p, group.kind);
    out.lines.push("\\end{scope}");
    return;
  }
  out.lines.push(layerComment(group), "\\begin{scope}");
  const usedBy = group.info?.category ?? "layer";
  for (const item of group.items) {
    if (isGroup(item)) writeGroup(out, item);
    else out.primitive(item, usedBy);
  }
  out.lines.push("\\end{scope}");
}

/** The colours and the picture: what `\input` puts into a paper that loads TikZ. */
function body(scene: Scene): string {
  const palette = new Palette();
  const out = new TikzWriter(palette);
  const w = num(scene.width);
  const h = num(scene.height);
  if (scene.background !== "none") out.lines.push(`\\fill[${palette.name(scene.background, "background")}] (0,0) rectangle (${w},${h});`);
  for (const group of groupScene(scene)) writeGroup(out, group);
  const title = scene.title !== undefined ? `% ${latexComment(scene.title)}\n` : "";
  return [
    `% netfig figure, ${w}bp x ${h}bp: \\input this file where the figure goes (needs \\usepackage{tikz}).`,
    title.trimEnd(),
    ...palette.definitions(),
    // y grows downwards in the scene; the bounding box is the page, whatever strokes reach past it.
    "\\begin{tikzpicture}[x=1bp, y=-1bp]",
    `\\useasboundingbox (0,0) rectangle (${w},${h});`,
    ...out.lines,
    "\\end{tikzpicture}",
  ]
    .filter((line) => line !== "")
    .join("\n");
}

/** The scene as TikZ: a document pdflatex compiles alone, or (`body`) the part a paper `\input`s. */
export function renderTikz(scene: Scene, options: TikzOptions = {}): string {
  if (!(scene.width > 0 && scene.height > 0)) throw new Error(`renderTikz: scene size ${scene.width}×${scene.height} is empty`);
  const picture = body(scene);
  if (options.body) return `${picture}\n`;
  const w = `${num(scene.width)}bp`;
  const h = `${num(scene.height)}bp`;
  return [
    "\\RequirePackage{fix-cm}",
    "\\documentclass{article}",
    "\\usepackage{tikz}",
    "\\pagestyle{empty}",
    `\\paperwidth=${w} \\paperheight=${h} \\pdfpagewidth=${w} \\pdfpageheight=${h}`,
    "\\textwidth=\\paperwidth \\textheight=\\paperheight \\hoffset=-1in \\voffset=-1in",
    "\\oddsidemargin=0pt \\evensidemargin=0pt \\topmargin=0pt \\headheight=0pt \\headsep=0pt \\footskip=0pt",
    "\\topskip=0pt \\parindent=0pt",
    "\\begin{document}",
    picture,
    "\\end{document}",
    "",
  ].join("\n");
}
