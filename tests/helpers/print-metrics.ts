/**
 * How a figure prints, measured from the file netfig wrote — not from the scene — so that
 * what is checked is what a reader gets (issue 10). The SVG is our own writer's
 * (src/render/svg.ts): a flat list of leaf elements inside
 * `<svg viewBox="0 0 W H" width="Wpt" height="Hpt">`, ids `ROLE-OWNER` numbered `-1`, `-2`…
 * when repeated, text as `<text x y font-family font-size [font-weight] [font-style]
 * [text-anchor] [transform="rotate(a x y)"]>`.
 *
 * Everything is reported at the printed scale (points on paper): the `width` attribute ÷ the
 * viewBox width. Text boxes are the advance width (measured with the font files the
 * renderers embed, through src/text/measure.ts) by the font's ascent + descent, anchored and
 * rotated as the SVG says. Overlaps are separating-axis tests on the rotated boxes and the
 * (convex) block faces; two shapes overlap when they interpenetrate by more than
 * `LIMITS.overlapTolerancePt` along every axis — touching, or anti-aliasing-deep contact, is
 * not a collision.
 *
 * The PDF side (`measurePdf`) reads the page size with pdfinfo and every font size the
 * content sets (`/Fn size Tf`, uncompressed by qpdf).
 *
 * Used by tests/print/*.test.ts, scripts/legibility.mjs and bench/legibility.mjs (both load
 * this file through tsx).
 */

import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import type { FontSpec } from "../../src/geometry/types.js";
import { bundledFontNames } from "../../src/text/fonts.js";
import { measureText, openFont, tabledFace } from "../../src/text/measure.js";

export type Point = [number, number];

export interface Box {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/** The legibility limits of issue 10. */
export const LIMITS = {
  /** No text prints smaller than this, in pt. */
  minFontPt: 6,
  /** The median block is at least this tall on paper, in pt. */
  minMedianBlockPt: 18,
  /** A page's text height: 9 in. */
  maxHeightPt: 648,
  /** Shapes may interpenetrate by this much (anti-aliasing, touching outlines). */
  overlapTolerancePt: 0.5,
} as const;

/** One element of the SVG: its tag, attributes (unescaped) and text content (unescaped). */
export interface SvgElement {
  name: string;
  attrs: Record<string, string>;
  text: string;
  /** The id split back into the scene's role and owner (see `splitIds`). */
  role: string;
  owner: string;
}

export interface PrintedText {
  id: string;
  role: string;
  owner: string;
  text: string;
  /** Printed font size in pt. */
  fontPt: number;
  /** The text's box on paper (pt): four corners, rotated as printed. */
  corners: Point[];
  /** Axis-aligned bounds of `corners`. */
  box: Box;
}

export interface PrintedBlock {
  owner: string;
  /** The union of the block's faces on paper (pt). */
  box: Box;
  heightPt: number;
  widthPt: number;
  faces: Point[][];
}

export interface TextTextOverlap {
  a: { id: string; text: string };
  b: { id: string; text: string };
  /** How deep the boxes interpenetrate (the smallest overlap along a separating axis), pt. */
  depthPt: number;
}

export interface TextBlockOverlap {
  text: { id: string; text: string; owner: string };
  block: string;
  depthPt: number;
}

export interface PrintMetrics {
  /** Page size on paper, pt. */
  widthPt: number;
  heightPt: number;
  /** Printed pt per SVG user unit. */
  scale: number;
  texts: PrintedText[];
  blocks: PrintedBlock[];
  /** Smallest printed font size, pt (Infinity when the figure has no text). */
  minFontPt: number;
  /** Texts printed under `LIMITS.minFontPt`. */
  smallTexts: PrintedText[];
  textTextOverlaps: TextTextOverlap[];
  /** Texts on a block face of another owner. */
  textBlockOverlaps: TextBlockOverlap[];
  /** Median printed height of the blocks' face unions; undefined when the figure has no blocks. */
  medianBlockHeightPt: number | undefined;
  /** Union of everything whose id starts with `legend`; undefined when there is no legend. */
  legendBox: Box | undefined;
  /** The legend lies within the page (true when there is none). */
  legendInside: boolean;
  /** Texts reaching outside the page by more than the tolerance (reported, not judged). */
  textsOutsidePage: PrintedText[];
}

export interface Verdict {
  legible: boolean;
  /** One line per failed criterion, with the numbers. */
  failures: string[];
}

// ---------------------------------------------------------------------------------------------
// Parsing

function unescapeXml(s: string): string {
  return s.replace(/&(lt|gt|quot|apos|amp|#(\d+)|#x([0-9a-fA-F]+));/g, (_, name: string, dec?: string, hex?: string) => {
    if (dec) return String.fromCodePoint(Number(dec));
    if (hex) return String.fromCodePoint(parseInt(hex, 16));
    return ({ lt: "<", gt: ">", quot: '"', apos: "'", amp: "&" } as Record<string, string>)[name]!;
  });
}

function parseAttrs(s: string): Record<string, string> {
  const attrs: Record<string, string> = {};
  for (const m of s.matchAll(/([A-Za-z_:][-A-Za-z0-9_:.]*)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) attrs[m[1]!] = unescapeXml(m[2] ?? m[3] ?? "");
  return attrs;
}

/**
 * Role prefixes the scene uses (src/scene, src/layout), longest first where one is a prefix
 * of another. An id whose prefix is not listed is split after its second word for `label-`,
 * `legend-` and `block-` ids, else after its first.
 */
const ROLES = [
  "block-face",
  "block-hidden-edge",
  "edge-shortcut",
  "edge",
  "legend-swatch",
  "legend-text",
  "legend",
  "frame",
  "title",
  "background",
  "sum-sign",
  "sum",
  "neuron",
  "ellipsis",
  "grid-cell",
  "grid-highlight",
  "receptive-field",
  "pyramid",
  "kernel",
  "thumbnail",
  "input",
];

function roleAndOwner(base: string): { role: string; owner: string } {
  for (const role of ROLES) {
    if (base === role) return { role, owner: "" };
    if (base.startsWith(`${role}-`)) return { role, owner: base.slice(role.length + 1) };
  }
  const words = base.split("-");
  const n = /^(label|legend|block)$/.test(words[0]!) && words.length > 1 ? 2 : 1;
  return { role: words.slice(0, n).join("-"), owner: words.slice(n).join("-") };
}

/**
 * Ids back to their base (`ROLE-OWNER`): the writer numbers the k-th repeat of a base
 * `BASE-k`, so in document order `X-k` is a repeat exactly when base X has been used k
 * times so far.
 */
function splitIds(ids: (string | undefined)[]): { role: string; owner: string }[] {
  const used = new Map<string, number>();
  return ids.map((id) => {
    if (id === undefined) return { role: "", owner: "" };
    const m = /^(.*)-(\d+)$/.exec(id);
    let base = id;
    if (m && used.get(m[1]!) === Number(m[2])) base = m[1]!;
    used.set(base, (used.get(base) ?? 0) + 1);
    return roleAndOwner(base);
  });
}

export interface ParsedSvg {
  /** Page size from the width/height attributes, in pt. */
  widthPt: number;
  heightPt: number;
  viewBox: [number, number, number, number];
  elements: SvgElement[];
}

const UNIT_PT: Record<string, number> = { pt: 1, px: 0.75, "": 0.75, in: 72, mm: 72 / 25.4, cm: 72 / 2.54, pc: 12 };

function lengthPt(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const m = /^\s*([-+\d.eE]+)\s*([a-z]*)\s*$/.exec(value);
  if (!m || UNIT_PT[m[2]!] === undefined) throw new Error(`cannot read the SVG length "${value}"`);
  return Number(m[1]) * UNIT_PT[m[2]!]!;
}

/** Reads one of netfig's SVG files: the root's size and its leaf elements, in document order. */
export function parseSvg(svg: string): ParsedSvg {
  const root = /<svg\b([^>]*)>/.exec(svg);
  if (!root) throw new Error("not an SVG: no <svg> element");
  const rootAttrs = parseAttrs(root[1]!);
  const vb = (rootAttrs.viewBox ?? "").trim().split(/[\s,]+/).map(Number);
  const widthAttr = rootAttrs.width;
  const heightAttr = rootAttrs.height;
  const viewBox: [number, number, number, number] =
    vb.length === 4 && vb.every(Number.isFinite) ? [vb[0]!, vb[1]!, vb[2]!, vb[3]!] : [0, 0, lengthPt(widthAttr, NaN) / 0.75, lengthPt(heightAttr, NaN) / 0.75];
  // Without width/height an SVG is its viewBox in CSS px.
  const widthPt = lengthPt(widthAttr, viewBox[2] * 0.75);
  const heightPt = lengthPt(heightAttr, viewBox[3] * 0.75);
  // Groups (one per layer, src/render/groups.ts) only hold the leaves; transforms are on leaves alone.
  const body = svg.slice(root.index + root[0].length).replace(/<\/?g\b[^>]*>/g, "");
  const raw: { name: string; attrs: Record<string, string>; text: string }[] = [];
  for (const m of body.matchAll(/<([A-Za-z][\w:-]*)\b([^>]*?)(\/>|>([\s\S]*?)<\/\1>)/g)) {
    raw.push({ name: m[1]!, attrs: parseAttrs(m[2]!), text: unescapeXml(m[4] ?? "") });
  }
  const split = splitIds(raw.map((e) => e.attrs.id));
  const elements = raw.map((e, i) => ({ ...e, ...split[i]! }));
  return { widthPt, heightPt, viewBox, elements };
}

// ---------------------------------------------------------------------------------------------
// Geometry

function boxOf(points: Point[]): Box {
  let left = Infinity;
  let top = Infinity;
  let right = -Infinity;
  let bottom = -Infinity;
  for (const [x, y] of points) {
    left = Math.min(left, x);
    right = Math.max(right, x);
    top = Math.min(top, y);
    bottom = Math.max(bottom, y);
  }
  return { left, top, right, bottom };
}

function unionBox(a: Box | undefined, b: Box): Box {
  if (!a) return { ...b };
  return { left: Math.min(a.left, b.left), top: Math.min(a.top, b.top), right: Math.max(a.right, b.right), bottom: Math.max(a.bottom, b.bottom) };
}

function boxesMeet(a: Box, b: Box, tol: number): boolean {
  return a.left + tol < b.right && b.left + tol < a.right && a.top + tol < b.bottom && b.top + tol < a.bottom;
}

/**
 * How deeply two convex polygons interpenetrate: the smallest overlap of their projections
 * over the edge normals of both (0 when some axis separates them).
 */
export function penetration(a: Point[], b: Point[]): number {
  let depth = Infinity;
  for (const poly of [a, b]) {
    for (let i = 0; i < poly.length; i++) {
      const [x1, y1] = poly[i]!;
      const [x2, y2] = poly[(i + 1) % poly.length]!;
      const len = Math.hypot(x2 - x1, y2 - y1);
      if (len < 1e-9) continue;
      const nx = (y1 - y2) / len;
      const ny = (x2 - x1) / len;
      let a0 = Infinity;
      let a1 = -Infinity;
      let b0 = Infinity;
      let b1 = -Infinity;
      for (const [x, y] of a) {
        const v = x * nx + y * ny;
        a0 = Math.min(a0, v);
        a1 = Math.max(a1, v);
      }
      for (const [x, y] of b) {
        const v = x * nx + y * ny;
        b0 = Math.min(b0, v);
        b1 = Math.max(b1, v);
      }
      const overlap = Math.min(a1, b1) - Math.max(a0, b0);
      if (overlap <= 0) return 0;
      depth = Math.min(depth, overlap);
    }
  }
  return depth === Infinity ? 0 : depth;
}

/** Buckets boxes on a coarse grid so each shape is only tested against its neighbours. */
class Grid<T> {
  private readonly cells = new Map<string, T[]>();
  constructor(private readonly size: number) {}
  private keys(b: Box): string[] {
    const keys: string[] = [];
    const x0 = Math.floor(b.left / this.size);
    const x1 = Math.floor(b.right / this.size);
    const y0 = Math.floor(b.top / this.size);
    const y1 = Math.floor(b.bottom / this.size);
    // A degenerate or enormous box still costs a bounded number of cells.
    if ((x1 - x0 + 1) * (y1 - y0 + 1) > 10_000) return ["*"];
    for (let x = x0; x <= x1; x++) for (let y = y0; y <= y1; y++) keys.push(`${x},${y}`);
    return keys;
  }
  add(b: Box, item: T): void {
    for (const k of this.keys(b)) {
      const cell = this.cells.get(k);
      if (cell) cell.push(item);
      else this.cells.set(k, [item]);
    }
  }
  near(b: Box): Set<T> {
    const out = new Set<T>(this.cells.get("*") ?? []);
    for (const k of this.keys(b)) for (const item of this.cells.get(k) ?? []) out.add(item);
    return out;
  }
}

// ---------------------------------------------------------------------------------------------
// Fonts

let familyByCssName: Map<string, string> | undefined;

/** The bundled families by the CSS name the writer gives them (the font file's family name). */
function familiesByCssName(): Map<string, string> {
  if (!familyByCssName) {
    familyByCssName = new Map();
    for (const family of bundledFontNames()) {
      const regular = { family, weight: "normal", style: "normal" } as const;
      const face = tabledFace(regular) ?? openFont(regular);
      familyByCssName.set(face.familyName.toLowerCase(), family);
    }
  }
  return familyByCssName;
}

export interface MeasureOptions {
  /** Extra CSS family names → a family `measureText` accepts (a .ttf path), for custom fonts. */
  fonts?: Record<string, string>;
}

function fontSpec(attrs: Record<string, string>, size: number, options: MeasureOptions): FontSpec {
  const css = (attrs["font-family"] ?? "").split(",")[0]!.trim().replace(/^["']|["']$/g, "");
  const family = options.fonts?.[css] ?? familiesByCssName().get(css.toLowerCase());
  if (family === undefined) throw new Error(`unknown font-family "${attrs["font-family"]}": pass it in MeasureOptions.fonts`);
  return {
    family,
    weight: attrs["font-weight"] === "bold" || Number(attrs["font-weight"]) >= 600 ? "bold" : "normal",
    style: attrs["font-style"] === "italic" || attrs["font-style"] === "oblique" ? "italic" : "normal",
    size,
  };
}

/** `rotate(a x y)` → degrees (SVG's sense: clockwise on screen) and centre. */
function rotation(transform: string | undefined): { angle: number; cx: number; cy: number } | undefined {
  if (!transform) return undefined;
  const m = /^\s*rotate\(\s*([-+\d.eE]+)(?:[\s,]+([-+\d.eE]+)[\s,]+([-+\d.eE]+))?\s*\)\s*$/.exec(transform);
  if (!m) throw new Error(`cannot read the text transform "${transform}" (netfig writes only rotate(a x y))`);
  return { angle: Number(m[1]), cx: Number(m[2] ?? 0), cy: Number(m[3] ?? 0) };
}

function points(attr: string | undefined): Point[] {
  const nums = (attr ?? "").trim().split(/[\s,]+/).filter((s) => s !== "").map(Number);
  const out: Point[] = [];
  for (let i = 0; i + 1 < nums.length; i += 2) out.push([nums[i]!, nums[i + 1]!]);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Measuring

/** Measures a figure from the text of one of netfig's SVG files. */
export function measureSvg(svg: string, options: MeasureOptions = {}): PrintMetrics {
  const parsed = parseSvg(svg);
  const [vx, vy, vw, vh] = parsed.viewBox;
  // preserveAspectRatio's default, xMidYMid meet: one scale, the drawing centred.
  const scale = Math.min(parsed.widthPt / vw, parsed.heightPt / vh);
  const ox = (parsed.widthPt - vw * scale) / 2;
  const oy = (parsed.heightPt - vh * scale) / 2;
  const toPage = ([x, y]: Point): Point => [(x - vx) * scale + ox, (y - vy) * scale + oy];
  const tol = LIMITS.overlapTolerancePt;

  const texts: PrintedText[] = [];
  const faces = new Map<string, Point[][]>();
  let legendBox: Box | undefined;
  for (const e of parsed.elements) {
    let shape: Point[] | undefined;
    if (e.name === "text") {
      const size = Number(e.attrs["font-size"] ?? 16);
      const font = fontSpec(e.attrs, size, options);
      const m = measureText(e.text, font);
      const x = Number(e.attrs.x ?? 0);
      const y = Number(e.attrs.y ?? 0);
      const anchor = e.attrs["text-anchor"] ?? "start";
      const start = anchor === "middle" ? -m.width / 2 : anchor === "end" ? -m.width : 0;
      let corners: Point[] = [
        [x + start, y - m.ascent],
        [x + start + m.width, y - m.ascent],
        [x + start + m.width, y + m.descent],
        [x + start, y + m.descent],
      ];
      const r = rotation(e.attrs.transform);
      if (r) {
        const a = (r.angle * Math.PI) / 180;
        const cos = Math.cos(a);
        const sin = Math.sin(a);
        corners = corners.map(([px, py]) => [r.cx + (px - r.cx) * cos - (py - r.cy) * sin, r.cy + (px - r.cx) * sin + (py - r.cy) * cos]);
      }
      const printed = corners.map(toPage);
      texts.push({ id: e.attrs.id ?? "", role: e.role, owner: e.owner, text: e.text, fontPt: size * scale, corners: printed, box: boxOf(printed) });
      shape = printed;
    } else if (e.name === "polygon") {
      shape = points(e.attrs.points).map(toPage);
      if (e.role === "block-face" && shape.length >= 3) {
        const list = faces.get(e.owner);
        if (list) list.push(shape);
        else faces.set(e.owner, [shape]);
      }
    } else if (e.name === "rect") {
      const x = Number(e.attrs.x ?? 0);
      const y = Number(e.attrs.y ?? 0);
      const w = Number(e.attrs.width ?? 0);
      const h = Number(e.attrs.height ?? 0);
      shape = ([[x, y], [x + w, y], [x + w, y + h], [x, y + h]] as Point[]).map(toPage);
    } else if (e.name === "circle") {
      const cx = Number(e.attrs.cx ?? 0);
      const cy = Number(e.attrs.cy ?? 0);
      const rr = Number(e.attrs.r ?? 0);
      shape = ([[cx - rr, cy - rr], [cx + rr, cy + rr]] as Point[]).map(toPage);
    } else if (e.name === "path") {
      // Bounds of the path's points (control points included: an upper bound).
      const nums = (e.attrs.d ?? "").match(/[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?/g)?.map(Number) ?? [];
      const pts: Point[] = [];
      for (let i = 0; i + 1 < nums.length; i += 2) pts.push([nums[i]!, nums[i + 1]!]);
      shape = pts.map(toPage);
    }
    if (shape && shape.length > 0 && (e.attrs.id ?? "").startsWith("legend")) legendBox = unionBox(legendBox, boxOf(shape));
  }

  const blocks: PrintedBlock[] = [...faces].map(([owner, list]) => {
    const box = boxOf(list.flat());
    return { owner, box, heightPt: box.bottom - box.top, widthPt: box.right - box.left, faces: list };
  });

  const textTextOverlaps: TextTextOverlap[] = [];
  const textGrid = new Grid<PrintedText>(32);
  for (const t of texts) {
    for (const other of textGrid.near(t.box)) {
      if (!boxesMeet(t.box, other.box, tol)) continue;
      const depth = penetration(t.corners, other.corners);
      if (depth > tol) textTextOverlaps.push({ a: { id: other.id, text: other.text }, b: { id: t.id, text: t.text }, depthPt: depth });
    }
    textGrid.add(t.box, t);
  }

  const textBlockOverlaps: TextBlockOverlap[] = [];
  const faceGrid = new Grid<{ owner: string; face: Point[]; box: Box }>(32);
  for (const b of blocks) for (const face of b.faces) faceGrid.add(boxOf(face), { owner: b.owner, face, box: boxOf(face) });
  for (const t of texts) {
    let worst: TextBlockOverlap | undefined;
    for (const f of faceGrid.near(t.box)) {
      if (f.owner === t.owner || !boxesMeet(t.box, f.box, tol)) continue;
      const depth = penetration(t.corners, f.face);
      if (depth > tol && (!worst || depth > worst.depthPt)) worst = { text: { id: t.id, text: t.text, owner: t.owner }, block: f.owner, depthPt: depth };
    }
    if (worst) textBlockOverlaps.push(worst);
  }

  const heights = blocks.map((b) => b.heightPt).sort((a, b) => a - b);
  const mid = heights.length >> 1;
  const medianBlockHeightPt = heights.length === 0 ? undefined : heights.length % 2 === 1 ? heights[mid]! : (heights[mid - 1]! + heights[mid]!) / 2;
  const page: Box = { left: 0, top: 0, right: parsed.widthPt, bottom: parsed.heightPt };
  const within = (b: Box): boolean => b.left >= page.left - tol && b.top >= page.top - tol && b.right <= page.right + tol && b.bottom <= page.bottom + tol;
  const minFontPt = texts.reduce((m, t) => Math.min(m, t.fontPt), Infinity);
  return {
    widthPt: parsed.widthPt,
    heightPt: parsed.heightPt,
    scale,
    texts,
    blocks,
    minFontPt,
    // Sizes are written to a hundredth: 5.995 rounds to 6 and is 6 pt on paper.
    smallTexts: texts.filter((t) => t.fontPt < LIMITS.minFontPt - 0.005),
    textTextOverlaps,
    textBlockOverlaps,
    medianBlockHeightPt,
    legendBox,
    legendInside: legendBox === undefined || within(legendBox),
    textsOutsidePage: texts.filter((t) => !within(t.box)),
  };
}

export function measureSvgFile(path: string, options: MeasureOptions = {}): PrintMetrics {
  return measureSvg(readFileSync(path, "utf8"), options);
}

const fmt = (v: number, digits = 1): string => v.toFixed(digits);
const count = (n: number, what: string): string => `${n} ${what}${n === 1 ? "" : "s"}`;
const quote = (s: string): string => JSON.stringify(s.length > 40 ? `${s.slice(0, 37)}...` : s);

/** The issue's verdict, one line per failed criterion. `examples` caps how many offenders a line names. */
export function verdict(m: PrintMetrics, examples = 3): Verdict {
  const failures: string[] = [];
  if (m.smallTexts.length > 0) {
    const names = m.smallTexts.slice(0, examples).map((t) => `${quote(t.text)} ${fmt(t.fontPt, 2)} pt`);
    failures.push(`text under ${LIMITS.minFontPt} pt: ${count(m.smallTexts.length, "text")}, smallest ${fmt(m.minFontPt, 2)} pt (${names.join(", ")}${m.smallTexts.length > examples ? ", …" : ""})`);
  }
  if (m.textTextOverlaps.length > 0) {
    const names = m.textTextOverlaps.slice(0, examples).map((o) => `${quote(o.a.text)} (${o.a.id}) × ${quote(o.b.text)} (${o.b.id}) ${fmt(o.depthPt)} pt deep`);
    failures.push(`text–text overlaps: ${m.textTextOverlaps.length} (${names.join("; ")}${m.textTextOverlaps.length > examples ? "; …" : ""})`);
  }
  if (m.textBlockOverlaps.length > 0) {
    const names = m.textBlockOverlaps.slice(0, examples).map((o) => `${quote(o.text.text)} (${o.text.id}) on block ${o.block}`);
    failures.push(`text–block overlaps: ${m.textBlockOverlaps.length} (${names.join("; ")}${m.textBlockOverlaps.length > examples ? "; …" : ""})`);
  }
  if (m.medianBlockHeightPt !== undefined && m.medianBlockHeightPt < LIMITS.minMedianBlockPt) {
    failures.push(`median block ${fmt(m.medianBlockHeightPt)} pt tall, under ${LIMITS.minMedianBlockPt} pt (${count(m.blocks.length, "block")})`);
  }
  if (m.heightPt > LIMITS.maxHeightPt) failures.push(`height ${fmt(m.heightPt)} pt, over ${LIMITS.maxHeightPt} pt (9 in)`);
  if (!m.legendInside && m.legendBox) {
    const b = m.legendBox;
    failures.push(`legend outside the page: legend spans x ${fmt(b.left)}–${fmt(b.right)}, y ${fmt(b.top)}–${fmt(b.bottom)} on a ${fmt(m.widthPt)} × ${fmt(m.heightPt)} pt page`);
  }
  return { legible: failures.length === 0, failures };
}

// ---------------------------------------------------------------------------------------------
// PDF

export interface PdfMetrics {
  widthPt: number;
  heightPt: number;
  /** Every `size Tf` the content sets, in order of appearance, as written. */
  setSizes: number[];
  /**
   * The same sizes as printed: times the scale of the current transformation (`cm`, saved
   * and restored by `q`/`Q`) and of the text matrix (`Tm`) — equal to `setSizes` for
   * netfig's PDFs, whose matrices only translate and flip.
   */
  fontSizes: number[];
  minFontPt: number;
}

type Linear = [number, number, number, number];

function times(m: Linear, n: Linear): Linear {
  // Row vectors, as PDF writes them: [a b; c d] then [a' b'; c' d'].
  return [m[0] * n[0] + m[1] * n[2], m[0] * n[1] + m[1] * n[3], m[2] * n[0] + m[3] * n[2], m[2] * n[1] + m[3] * n[3]];
}

const areaScale = (m: Linear): number => Math.sqrt(Math.abs(m[0] * m[3] - m[1] * m[2]));

/**
 * Font sizes set in uncompressed content streams (qpdf's QDF output puts each operator of
 * the content on a line of its own), with the scale each prints at.
 */
export function pdfFontSizes(qdf: string): { set: number[]; printed: number[] } {
  const set: number[] = [];
  const printed: number[] = [];
  const NUM = String.raw`([-+]?(?:\d+\.?\d*|\.\d+))`;
  const matrix = new RegExp(String.raw`^${NUM} ${NUM} ${NUM} ${NUM} ${NUM} ${NUM} (cm|Tm)$`);
  let ctm: Linear = [1, 0, 0, 1];
  let tm: Linear = [1, 0, 0, 1];
  let stack: Linear[] = [];
  for (const raw of qdf.split("\n")) {
    const line = raw.trim();
    if (line === "stream") {
      ctm = [1, 0, 0, 1];
      tm = [1, 0, 0, 1];
      stack = [];
    } else if (line === "q") stack.push(ctm);
    else if (line === "Q") ctm = stack.pop() ?? [1, 0, 0, 1];
    else if (line === "BT") tm = [1, 0, 0, 1];
    else {
      const m = matrix.exec(line);
      if (m) {
        const linear: Linear = [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4])];
        if (m[7] === "cm") ctm = times(linear, ctm);
        else tm = linear;
        continue;
      }
      const tf = /^\/[^\s/]+ ([-+]?(?:\d+\.?\d*|\.\d+)) Tf$/.exec(line);
      if (tf) {
        const size = Number(tf[1]);
        set.push(size);
        printed.push(size * areaScale(times(tm, ctm)));
      }
    }
  }
  return { set, printed };
}

function requireTool(name: string, pkg: string): void {
  if (spawnSync("/bin/sh", ["-c", `command -v ${name}`]).status !== 0) throw new Error(`${name} is not installed: apt-get install ${pkg}`);
}

/** Page size (pdfinfo) and the font sizes set in the content (qpdf --qdf) of a written PDF. */
export function measurePdf(path: string): PdfMetrics {
  requireTool("pdfinfo", "poppler-utils");
  requireTool("qpdf", "qpdf");
  const info = execFileSync("pdfinfo", [path], { encoding: "utf8" });
  const size = /Page size:\s+([\d.]+) x ([\d.]+) pts/.exec(info);
  if (!size) throw new Error(`pdfinfo gave no page size for ${path}:\n${info}`);
  const content = execFileSync("qpdf", ["--qdf", "--object-streams=disable", path, "-"], { encoding: "latin1", maxBuffer: 256 * 1024 * 1024 });
  const sizes = pdfFontSizes(content);
  return {
    widthPt: Number(size[1]),
    heightPt: Number(size[2]),
    setSizes: sizes.set,
    fontSizes: sizes.printed,
    minFontPt: sizes.printed.reduce((m, s) => Math.min(m, s), Infinity),
  };
}

/** The PDF's criteria: no text under the limit, the page within the height limit. */
export function pdfVerdict(m: PdfMetrics): Verdict {
  const failures: string[] = [];
  const small = m.fontSizes.filter((s) => s < LIMITS.minFontPt - 0.005);
  if (small.length > 0) failures.push(`PDF text under ${LIMITS.minFontPt} pt: ${small.length} of ${m.fontSizes.length} Tf, smallest ${fmt(m.minFontPt, 2)} pt`);
  if (m.heightPt > LIMITS.maxHeightPt) failures.push(`PDF page ${fmt(m.heightPt)} pt tall, over ${LIMITS.maxHeightPt} pt (9 in)`);
  return { legible: failures.length === 0, failures };
}
