/**
 * Scene → PDF with pdfkit: vector shapes, real (selectable, searchable) text in embedded
 * subset TrueType fonts, and PNG images for thumbnails. One page exactly the scene's size.
 *
 * Why pdfkit draws the scene directly rather than converting the SVG: the text stays text
 * in the very font file that measured it, so a journal's checker finds every font embedded
 * and a reader can copy the labels. The output is deterministic: fixed dates, a document
 * id derived from them, fonts and images numbered in order of first use.
 */

import { readFileSync } from "node:fs";
import type { Color, FontSpec, PathCommand, Point, Stroke } from "../geometry/types.js";
import type { Primitive, Scene, TextPrimitive } from "../scene/types.js";
import { fontFile } from "../text/fonts.js";
import { openFont, tabledFace, tabledGlyphs } from "../text/measure.js";
import { anchorOffset } from "../text/outline.js";
import { scriptRuns, shapedAdvance } from "../text/shaping.js";
import { readTrueType, type TrueTypeFace } from "../text/truetype.js";
import { arrowHead } from "./arrow.js";
import { shapingPdfFont, tabledPdfFont } from "./pdf-font.js";
import { loadPdfkit } from "./pdfkit.js";

/**
 * pdfkit's CommonJS build (render/pdfkit.ts): it loads the same CommonJS fontkit and
 * restructure as text/measure.ts, so one build of each is loaded and the fonts are parsed by
 * one of them (pdfkit's ES build would bring the ES fontkit, a second copy of both).
 */
const PdfDocument = loadPdfkit();

export interface PdfOptions {
  /** Creation and modification date written into the PDF (default 2000-01-01T00:00:00Z, so bytes never change). */
  date?: Date;
}

const DEFAULT_DATE = new Date(Date.UTC(2000, 0, 1));

/** SVG's default miter limit; PDF's default is 10, which would draw sharper block corners than the SVG. */
const SVG_MITER_LIMIT = 4;

/** A `#rgb` or `#rrggbb` colour as pdfkit wants it, or undefined for "none". */
function pdfColor(color: Color, what: string): string | undefined {
  if (color === "none") return undefined;
  if (/^#[0-9a-f]{6}$/i.test(color)) return color.toLowerCase();
  if (/^#[0-9a-f]{3}$/i.test(color)) return `#${[...color.slice(1)].map((c) => c + c).join("")}`.toLowerCase();
  throw new Error(`renderPdf: ${what} colour ${JSON.stringify(color)} is not #rrggbb or "none"`);
}

/**
 * Sets stroke state for `stroke`; returns whether anything will be stroked. Dashes are
 * written directly because pdfkit refuses zero-length dashes, which SVG allows (dots with
 * round caps).
 */
function applyStroke(doc: PDFKit.PDFDocument, stroke: Stroke | undefined): boolean {
  if (!stroke) return false;
  const color = pdfColor(stroke.color, "stroke");
  if (!color || !(stroke.width > 0)) return false;
  doc.strokeColor(color).lineWidth(stroke.width).lineJoin(stroke.join ?? "miter").lineCap(stroke.cap ?? "butt");
  doc.miterLimit(SVG_MITER_LIMIT);
  const dash = stroke.dash ?? [];
  // SVG draws a solid line when the dash list is empty, negative or sums to zero.
  if (dash.length > 0 && dash.every((d) => Number.isFinite(d) && d >= 0) && dash.some((d) => d > 0)) {
    doc.addContent(`[${dash.map(num).join(" ")}] 0 d`);
  }
  return true;
}

/** Sets fill state; returns whether anything will be filled. */
function applyFill(doc: PDFKit.PDFDocument, fill: Color | undefined, opacity: number | undefined): boolean {
  const color = fill === undefined ? undefined : pdfColor(fill, "fill");
  if (!color) return false;
  doc.fillColor(color);
  if (opacity !== undefined && opacity < 1) doc.fillOpacity(Math.max(0, opacity));
  return true;
}

/** Numbers as pdfkit writes them (six decimals), so hand-written operators match its own. */
function num(n: number): string {
  return String(Math.round(n * 1e6) / 1e6);
}

function paintCurrentPath(doc: PDFKit.PDFDocument, fill: boolean, stroke: boolean): void {
  if (fill && stroke) doc.fillAndStroke();
  else if (fill) doc.fill();
  else if (stroke) doc.stroke();
}

function tracePath(doc: PDFKit.PDFDocument, commands: PathCommand[]): void {
  for (const c of commands) {
    switch (c.op) {
      case "M":
        doc.moveTo(c.to[0], c.to[1]);
        break;
      case "L":
        doc.lineTo(c.to[0], c.to[1]);
        break;
      case "C":
        doc.bezierCurveTo(c.c1[0], c.c1[1], c.c2[0], c.c2[1], c.to[0], c.to[1]);
        break;
      case "Z":
        doc.closePath();
        break;
    }
  }
}

function tracePolygon(doc: PDFKit.PDFDocument, points: Point[]): void {
  points.forEach(([x, y], i) => (i === 0 ? doc.moveTo(x, y) : doc.lineTo(x, y)));
  doc.closePath();
}

/**
 * One line of untrusted label text as pdfkit may draw it: pdfkit splits on line breaks and
 * would start new lines, so control characters become spaces (SVG shows them as spaces too).
 */
function singleLine(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, " ");
}

/** A font file as the PDF sets its text: the object pdfkit embeds, and a run's advance in font units. */
interface PdfFace {
  font: object;
  unitsPerEm: number;
  advance(run: string): number;
}

const trueTypeFaces = new Map<string, TrueTypeFace>();

function trueTypeFace(file: string): TrueTypeFace {
  let face = trueTypeFaces.get(file);
  if (!face) {
    face = readTrueType(readFileSync(file));
    trueTypeFaces.set(file, face);
  }
  return face;
}

/**
 * The scene's font files, each set from the metrics table when the table covers every run
 * of text the scene draws in it (pdf-font.ts), else shaped by fontkit; one choice per file,
 * so each file is embedded once.
 */
function pdfFaces(scene: Scene): (font: FontSpec) => PdfFace {
  const runsByFile = new Map<string, Set<string>>();
  for (const p of scene.primitives) {
    if (p.type !== "text") continue;
    const file = fontFile(p.font);
    let runs = runsByFile.get(file);
    if (!runs) runsByFile.set(file, (runs = new Set()));
    for (const run of scriptRuns(singleLine(p.text))) runs.add(run);
  }
  const faces = new Map<string, PdfFace>();
  return (font) => {
    const file = fontFile(font);
    let face = faces.get(file);
    if (!face) {
      const table = tabledFace(font);
      const tabled = table && [...(runsByFile.get(file) ?? [])].every((run) => tabledGlyphs(table, run) !== undefined);
      if (table && tabled) {
        face = { font: tabledPdfFont(trueTypeFace(file), table), unitsPerEm: table.unitsPerEm, advance: (run) => tabledGlyphs(table, run)!.advanceWidth };
      } else {
        const shaper = openFont(font);
        face = {
          font: shapingPdfFont(shaper, table),
          unitsPerEm: shaper.unitsPerEm,
          advance: (run) => (table && tabledGlyphs(table, run)?.advanceWidth) ?? shapedAdvance(shaper, run),
        };
      }
      faces.set(file, face);
    }
    return face;
  };
}

function drawText(doc: PDFKit.PDFDocument, t: TextPrimitive, faceOf: (font: FontSpec) => PdfFace): void {
  const text = singleLine(t.text);
  if (text.trim() === "" || !(t.font.size > 0)) return;
  const color = pdfColor(t.color, "text");
  if (!color) return;
  const angle = ((t.rotate ?? 0) * Math.PI) / 180;
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  // Translate to the anchor point and rotate counter-clockwise on paper (clockwise in these
  // y-down axes); the text starts at the anchor offset along its own baseline.
  doc.transform(cos, -sin, sin, cos, t.at[0], t.at[1]);
  const face = faceOf(t.font);
  // The file name is the family pdfkit caches the font under, as when it is given the file.
  doc.font(face.font as unknown as PDFKit.Mixins.PDFFontSource, fontFile(t.font)).fontSize(t.font.size).fillColor(color);
  // One text object per script run (see shaping.ts). pdfkit lays each run out again
  // (pdf-font.ts); an explicit (empty) feature list makes it take the run whole, as shapeText
  // does, instead of word by word, so glyphs and advances agree.
  const unit = t.font.size / face.unitsPerEm;
  let x = anchorOffset(t);
  for (const run of scriptRuns(text)) {
    doc.text(run, x, 0, { lineBreak: false, baseline: "alphabetic", features: [] });
    x += face.advance(run) * unit;
  }
}

function drawImage(doc: PDFKit.PDFDocument, png: Uint8Array, corners: [Point, Point, Point]): void {
  const [[x0, y0], [x1, y1], [x2, y2]] = corners;
  const a = x1 - x0;
  const b = y1 - y0;
  const c = x2 - x0;
  const d = y2 - y0;
  // Collinear corners give a zero-area image, which draws nothing and would make the matrix singular.
  if (Math.abs(a * d - b * c) < 1e-9) return;
  // Map the unit square (top-left origin, y down) onto the parallelogram of the three corners.
  doc.transform(a, b, c, d, x0, y0);
  doc.image(Buffer.from(png.buffer, png.byteOffset, png.byteLength), 0, 0, { width: 1, height: 1 });
}

function drawPrimitive(doc: PDFKit.PDFDocument, p: Primitive, faceOf: (font: FontSpec) => PdfFace): void {
  doc.save();
  switch (p.type) {
    case "polygon": {
      if (p.points.length < 2) break;
      const fill = applyFill(doc, p.paint.fill, p.paint.fillOpacity);
      const stroke = applyStroke(doc, p.paint.stroke);
      tracePolygon(doc, p.points);
      paintCurrentPath(doc, fill, stroke);
      break;
    }
    case "path": {
      if (p.commands.length === 0) break;
      const fill = applyFill(doc, p.paint.fill, p.paint.fillOpacity);
      const stroke = applyStroke(doc, p.paint.stroke);
      const head = p.arrow === "end" && p.paint.stroke ? arrowHead(p.commands, p.paint.stroke.width) : undefined;
      tracePath(doc, head ? head.shortened : p.commands);
      paintCurrentPath(doc, fill, stroke);
      if (head && p.paint.stroke) {
        // The head is solid and undashed in the stroke colour, as the SVG marker is.
        doc.undash();
        const color = pdfColor(p.paint.stroke.color, "stroke");
        if (color) {
          doc.fillColor(color).fillOpacity(1);
          tracePolygon(doc, head.polygon);
          doc.fill();
        }
      }
      break;
    }
    case "circle": {
      if (!(p.radius > 0)) break;
      const fill = applyFill(doc, p.paint.fill, p.paint.fillOpacity);
      const stroke = applyStroke(doc, p.paint.stroke);
      doc.circle(p.center[0], p.center[1], p.radius);
      paintCurrentPath(doc, fill, stroke);
      break;
    }
    case "text":
      drawText(doc, p, faceOf);
      break;
    case "image":
      drawImage(doc, p.png, p.corners);
      break;
  }
  doc.restore();
}

/** Renders the scene as a one-page PDF; the same scene always gives the same bytes. */
export function renderPdf(scene: Scene, options: PdfOptions = {}): Promise<Uint8Array> {
  if (!(scene.width > 0 && scene.height > 0)) {
    return Promise.reject(new Error(`renderPdf: scene size ${scene.width}×${scene.height} is empty`));
  }
  const date = options.date ?? DEFAULT_DATE;
  const doc = new PdfDocument({
    autoFirstPage: false,
    margin: 0,
    // No default font: pdfkit would parse Helvetica's metrics, which no figure uses.
    font: null as unknown as string,
    // 1.4 brings the transparency (fill opacity, PNG alpha as soft masks) the scene may use.
    pdfVersion: "1.4",
    compress: true,
    displayTitle: scene.title !== undefined,
    // No undefined entries: pdfkit derives the document id from every info value.
    info: {
      ...(scene.title !== undefined ? { Title: scene.title } : {}),
      Creator: "netfig",
      Producer: "netfig",
      CreationDate: date,
      ModDate: date,
    },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Uint8Array>((resolve, reject) => {
    doc.on("data", (chunk: Buffer) => chunks.push(chunk));
    doc.on("end", () => {
      const bytes = Buffer.concat(chunks);
      resolve(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    });
    doc.on("error", reject);
  });
  try {
    doc.addPage({ size: [scene.width, scene.height], margin: 0 });
    const background = pdfColor(scene.background, "background");
    if (background) doc.rect(0, 0, scene.width, scene.height).fill(background);
    const faceOf = pdfFaces(scene);
    for (const p of scene.primitives) drawPrimitive(doc, p, faceOf);
    doc.end();
  } catch (error) {
    return Promise.reject(error);
  }
  return done;
}
