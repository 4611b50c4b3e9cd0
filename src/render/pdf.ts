/**
 * Scene → PDF, written directly: vector shapes, real (selectable, searchable) text in
 * embedded subset fonts, and PNG images for thumbnails. One page exactly the scene's size.
 *
 * Why the scene is drawn directly rather than the SVG converted: the text stays text in the
 * very font file that measured it, so a journal's checker finds every font embedded and a
 * reader can copy the labels. Why no PDF library: the few objects a figure needs are quick
 * to write, while loading a library cost a small figure a fifth of its time. The output is
 * deterministic: fixed dates, a document id derived from them, objects numbered in a fixed
 * order (fonts, images and graphics states in order of first use).
 */

import { deflateSync } from "node:zlib";
import type { Color, PathCommand, Point, Stroke } from "../geometry/types.js";
import type { Primitive, Scene } from "../scene/types.js";
import { arrowHead } from "./arrow.js";
import { PdfDocument } from "./pdf/document.js";
import { PdfFonts } from "./pdf/fonts.js";
import { embedImage } from "./pdf/images.js";
import { literal, num, pdfDate, textString } from "./pdf/syntax.js";
import { textOperators } from "./pdf/text.js";

export interface PdfOptions {
  /** Creation and modification date written into the PDF (default 2000-01-01T00:00:00Z, so bytes never change). */
  date?: Date;
}

const DEFAULT_DATE = new Date(Date.UTC(2000, 0, 1));

/** SVG's default miter limit; PDF's default is 10, which would draw sharper block corners than the SVG. */
const SVG_MITER_LIMIT = 4;

const LINE_JOIN = { miter: 0, round: 1, bevel: 2 } as const;
const LINE_CAP = { butt: 0, round: 1, square: 2 } as const;

/** A circle's quarter as a cubic Bézier: the control points' distance from the ends, per radius. */
const KAPPA = (4 * (Math.SQRT2 - 1)) / 3;

/** A `#rgb` or `#rrggbb` colour as three 0–1 components, or undefined for "none". */
function rgb(color: Color, what: string): string | undefined {
  if (color === "none") return undefined;
  let hex: string;
  if (/^#[0-9a-f]{6}$/i.test(color)) hex = color.slice(1);
  else if (/^#[0-9a-f]{3}$/i.test(color)) hex = [...color.slice(1)].map((c) => c + c).join("");
  else throw new Error(`renderPdf: ${what} colour ${JSON.stringify(color)} is not #rrggbb or "none"`);
  return [0, 2, 4].map((i) => num(parseInt(hex.slice(i, i + 2), 16) / 255)).join(" ");
}

/** The page's resources as they are first used: fonts, images, and a graphics state per fill opacity. */
class Resources {
  readonly fonts = new PdfFonts();
  readonly images: { name: string; ref: number }[] = [];
  private readonly imagesByBytes = new Map<Uint8Array, string>();
  readonly opacities = new Map<string, string>();

  constructor(private readonly doc: PdfDocument) {}

  opacity(alpha: number): string {
    const value = num(Math.min(1, Math.max(0, alpha)));
    let name = this.opacities.get(value);
    if (!name) this.opacities.set(value, (name = `GS${this.opacities.size + 1}`));
    return name;
  }

  image(png: Uint8Array): string {
    let name = this.imagesByBytes.get(png);
    if (!name) {
      name = `Im${this.images.length + 1}`;
      this.images.push({ name, ref: embedImage(this.doc, png) });
      this.imagesByBytes.set(png, name);
    }
    return name;
  }
}

/** One primitive's drawing state, inside its own q … Q. */
class Painter {
  readonly ops: string[] = [];
  private opacitySet = false;

  constructor(private readonly resources: Resources) {}

  /** Sets the stroke state; returns whether anything will be stroked. */
  stroke(stroke: Stroke | undefined): boolean {
    if (!stroke) return false;
    const color = rgb(stroke.color, "stroke");
    if (!color || !(stroke.width > 0)) return false;
    this.ops.push(`${color} RG`, `${num(stroke.width)} w`, `${LINE_JOIN[stroke.join ?? "miter"]} j`, `${LINE_CAP[stroke.cap ?? "butt"]} J`, `${SVG_MITER_LIMIT} M`);
    const dash = stroke.dash ?? [];
    // SVG draws a solid line when the dash list is empty, negative or sums to zero; zero-length dashes (dots with round caps) are allowed.
    if (dash.length > 0 && dash.every((d) => Number.isFinite(d) && d >= 0) && dash.some((d) => d > 0)) {
      this.ops.push(`[${dash.map(num).join(" ")}] 0 d`);
    }
    return true;
  }

  /** Sets the fill state; returns whether anything will be filled. */
  fill(fill: Color | undefined, opacity: number | undefined): boolean {
    const color = fill === undefined ? undefined : rgb(fill, "fill");
    if (!color) return false;
    this.ops.push(`${color} rg`);
    if (opacity !== undefined && opacity < 1) {
      this.ops.push(`/${this.resources.opacity(opacity)} gs`);
      this.opacitySet = true;
    } else if (this.opacitySet) {
      this.ops.push(`/${this.resources.opacity(1)} gs`);
      this.opacitySet = false;
    }
    return true;
  }

  /** Fills and/or strokes the path traced (callers draw nothing when neither is set). */
  paint(fill: boolean, stroke: boolean): void {
    this.ops.push(fill && stroke ? "B" : fill ? "f" : "S");
  }

  polygon(points: Point[]): void {
    points.forEach(([x, y], i) => this.ops.push(`${num(x)} ${num(y)} ${i === 0 ? "m" : "l"}`));
    this.ops.push("h");
  }

  path(commands: PathCommand[]): void {
    for (const c of commands) {
      if (c.op === "M") this.ops.push(`${num(c.to[0])} ${num(c.to[1])} m`);
      else if (c.op === "L") this.ops.push(`${num(c.to[0])} ${num(c.to[1])} l`);
      else if (c.op === "C") this.ops.push(`${num(c.c1[0])} ${num(c.c1[1])} ${num(c.c2[0])} ${num(c.c2[1])} ${num(c.to[0])} ${num(c.to[1])} c`);
      else this.ops.push("h");
    }
  }

  circle([cx, cy]: Point, r: number): void {
    const k = r * KAPPA;
    const curve = (c1: Point, c2: Point, to: Point) => this.ops.push(`${[...c1, ...c2, ...to].map(num).join(" ")} c`);
    this.ops.push(`${num(cx + r)} ${num(cy)} m`);
    curve([cx + r, cy + k], [cx + k, cy + r], [cx, cy + r]);
    curve([cx - k, cy + r], [cx - r, cy + k], [cx - r, cy]);
    curve([cx - r, cy - k], [cx - k, cy - r], [cx, cy - r]);
    curve([cx + k, cy - r], [cx + r, cy - k], [cx + r, cy]);
    this.ops.push("h");
  }
}

function primitiveOperators(p: Primitive, resources: Resources): string[] {
  const painter = new Painter(resources);
  switch (p.type) {
    case "polygon": {
      if (p.points.length < 2) return [];
      const fill = painter.fill(p.paint.fill, p.paint.fillOpacity);
      const stroke = painter.stroke(p.paint.stroke);
      if (!fill && !stroke) return [];
      painter.polygon(p.points);
      painter.paint(fill, stroke);
      break;
    }
    case "path": {
      if (p.commands.length === 0) return [];
      const fill = painter.fill(p.paint.fill, p.paint.fillOpacity);
      const stroke = painter.stroke(p.paint.stroke);
      if (!fill && !stroke) return [];
      const head = p.arrow === "end" && stroke && p.paint.stroke ? arrowHead(p.commands, p.paint.stroke.width) : undefined;
      painter.path(head ? head.shortened : p.commands);
      painter.paint(fill, stroke);
      if (head && p.paint.stroke) {
        // The head is solid and undashed in the stroke colour, as the SVG marker is.
        painter.ops.push("[] 0 d");
        painter.fill(p.paint.stroke.color, 1);
        painter.polygon(head.polygon);
        painter.paint(true, false);
      }
      break;
    }
    case "circle": {
      if (!(p.radius > 0)) return [];
      const fill = painter.fill(p.paint.fill, p.paint.fillOpacity);
      const stroke = painter.stroke(p.paint.stroke);
      if (!fill && !stroke) return [];
      painter.circle(p.center, p.radius);
      painter.paint(fill, stroke);
      break;
    }
    case "text": {
      const color = rgb(p.color, "text");
      return color ? textOperators(p, resources.fonts, `${color} rg`) : [];
    }
    case "image": {
      const [[x0, y0], [x1, y1], [x2, y2]] = p.corners;
      const [a, b, c, d] = [x1 - x0, y1 - y0, x2 - x0, y2 - y0];
      // Collinear corners give a zero-area image, which draws nothing and would make the matrix singular.
      if (Math.abs(a * d - b * c) < 1e-9) return [];
      // The unit square onto the corners' parallelogram, the image's rows top first (image space is y-up).
      painter.ops.push(`${[a, b, -c, -d, x0 + c, y0 + d].map(num).join(" ")} cm`, `/${resources.image(p.png)} Do`);
      break;
    }
  }
  return ["q", ...painter.ops, "Q"];
}

/** The /Info dictionary: title if any, netfig as creator and producer, the dates. */
function infoDictionary(scene: Scene, date: Date): string {
  const stamp = literal(pdfDate(date));
  const title = scene.title !== undefined ? `/Title ${textString(scene.title)} ` : "";
  return `<< ${title}/Creator (netfig) /Producer (netfig) /CreationDate ${stamp} /ModDate ${stamp} >>`;
}

/** Renders the scene as a one-page PDF; the same scene always gives the same bytes. */
export async function renderPdf(scene: Scene, options: PdfOptions = {}): Promise<Uint8Array> {
  if (!(scene.width > 0 && scene.height > 0)) throw new Error(`renderPdf: scene size ${scene.width}×${scene.height} is empty`);
  const doc = new PdfDocument();
  const info = doc.add(infoDictionary(scene, options.date ?? DEFAULT_DATE));
  const catalog = doc.reserve();
  const pages = doc.reserve();
  const page = doc.reserve();
  const contents = doc.reserve();
  const resources = new Resources(doc);

  // The scene's axes: y down from the page's top-left corner.
  const ops = [`1 0 0 -1 0 ${num(scene.height)} cm`];
  const background = rgb(scene.background, "background");
  if (background) ops.push(`${background} rg`, `0 0 ${num(scene.width)} ${num(scene.height)} re`, "f");
  for (const p of scene.primitives) ops.push(...primitiveOperators(p, resources));
  doc.defineStream(contents, "/Filter /FlateDecode", deflateSync(Buffer.from(ops.join("\n"), "latin1")));

  const fonts = resources.fonts.all.map((font) => `/${font.resource} ${font.embed(doc)} 0 R`);
  const entries = [
    fonts.length > 0 ? `/Font << ${fonts.join(" ")} >>` : "",
    resources.images.length > 0 ? `/XObject << ${resources.images.map((i) => `/${i.name} ${i.ref} 0 R`).join(" ")} >>` : "",
    resources.opacities.size > 0 ? `/ExtGState << ${[...resources.opacities].map(([alpha, name]) => `/${name} << /Type /ExtGState /ca ${alpha} >>`).join(" ")} >>` : "",
  ].filter((e) => e !== "");
  doc.define(
    page,
    `<< /Type /Page /Parent ${pages} 0 R /MediaBox [0 0 ${num(scene.width)} ${num(scene.height)}] /Contents ${contents} 0 R /Resources << ${entries.join(" ")} >> >>`,
  );
  doc.define(pages, `<< /Type /Pages /Kids [${page} 0 R] /Count 1 >>`);
  doc.define(catalog, `<< /Type /Catalog /Pages ${pages} 0 R${scene.title !== undefined ? " /ViewerPreferences << /DisplayDocTitle true >>" : ""} >>`);
  return doc.encode(catalog, info);
}
