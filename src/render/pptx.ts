/**
 * Scene → PowerPoint: one slide the figure's size, every face a freeform (custom geometry)
 * shape, every label a text box, edges freeform lines with their heads, ⊕ nodes ellipses;
 * then one group shape per layer (the SVG's groups, see groups.ts), so the figure can be
 * recoloured and rearranged in PowerPoint or LibreOffice Impress.
 *
 * pptxgenjs writes the container and the shapes; it has no group shapes, so the slide's
 * shape tree is regrouped afterwards (`<p:grpSp>` around each group's shapes, whose child
 * frame equals its own so nothing moves), and every zip entry and the document's dates are
 * fixed, so the same scene always gives the same bytes.
 */

import JSZip from "jszip";
import pptxgenjs from "pptxgenjs";
import type { Color, PathCommand, Point, Stroke } from "../geometry/types.js";
import type { Primitive, Scene, TextPrimitive } from "../scene/types.js";
import { openFont } from "../text/measure.js";
import { arrowHead } from "./arrow.js";
import { groupScene, isGroup, shapeText, type LayerGroup, type SceneGroup } from "./groups.js";
import { singleLine } from "./single-line.js";

export interface PptxOptions {
  /** Creation and modification date of the document (default 2000-01-01, so bytes never change). */
  date?: Date;
}

// pptxgenjs's types describe a CommonJS module whose default is the class; Node loads its ES build, whose default is.
type Pptx = pptxgenjs.default;
type Slide = pptxgenjs.default.Slide;
type LineProps = pptxgenjs.default.ShapeLineProps;
type FillProps = pptxgenjs.default.ShapeFillProps;
type ShapePoints = NonNullable<pptxgenjs.default.ShapeProps["points"]>;
const PptxGenJS = ((pptxgenjs as unknown as { default?: unknown }).default ?? pptxgenjs) as new () => Pptx;

const DEFAULT_DATE = new Date(Date.UTC(2000, 0, 1));
const EMU_PER_POINT = 12700;
/** PowerPoint's largest slide side: a larger figure is scaled down to it, proportions kept. */
const MAX_SLIDE_POINTS = 56 * 72;

type Box = { x0: number; y0: number; x1: number; y1: number };

/** One shape as written, with the group path it belongs to and its extent in points. */
interface Placed {
  path: GroupKey[];
  box: Box;
}

interface GroupKey {
  id: string;
  name: string;
  description?: string;
}

function hex(color: Color): string {
  if (/^#[0-9a-f]{6}$/i.test(color)) return color.slice(1).toUpperCase();
  if (/^#[0-9a-f]{3}$/i.test(color)) return [...color.slice(1)].map((c) => c + c).join("").toUpperCase();
  throw new Error(`renderPptx: colour ${JSON.stringify(color)} is not #rrggbb or "none"`);
}

function boxOf(points: Point[]): Box {
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  return { x0: Math.min(...xs), y0: Math.min(...ys), x1: Math.max(...xs), y1: Math.max(...ys) };
}

function commandPoints(commands: PathCommand[]): Point[] {
  return commands.flatMap((c) => (c.op === "Z" ? [] : c.op === "C" ? [c.c1, c.c2, c.to] : [c.to]));
}

/** Names pptxgenjs writes unescaped: only characters that need no escaping. */
function safeName(text: string): string {
  return text.replace(/[^A-Za-z0-9 _.\-]+/g, "_");
}

/** Characters XML 1.0 forbids even escaped: pptxgenjs escapes markup, not these. */
function xmlChars(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, "\ufffd");
}

function xmlEscape(text: string): string {
  return xmlChars(text)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");
}

/**
 * The preset dash nearest a dash list, by its on:off ratio in line widths (OOXML presets
 * scale with the line): PowerPoint users pick dashes from these same presets.
 */
function dashType(stroke: Stroke): LineProps["dashType"] {
  const dash = stroke.dash ?? [];
  if (dash.length < 2 || !dash.some((d) => d > 0)) return "solid";
  const on = dash[0]! / stroke.width;
  if (on <= 1.5) return "sysDot";
  if (on <= 3.5) return "sysDash";
  return on <= 6 ? "dash" : "lgDash";
}

class SlideWriter {
  readonly placed: Placed[] = [];
  private path: GroupKey[] = [];
  constructor(
    private readonly slide: Slide,
    private readonly scale: number,
  ) {}

  within(key: GroupKey, draw: () => void): void {
    this.path.push(key);
    draw();
    this.path.pop();
  }

  private inches(points: number): number {
    return (points * this.scale) / 72;
  }

  private record(box: Box): void {
    this.placed.push({ path: [...this.path], box: { x0: box.x0 * this.scale, y0: box.y0 * this.scale, x1: box.x1 * this.scale, y1: box.y1 * this.scale } });
  }

  private line(stroke: Stroke | undefined): LineProps {
    if (!stroke || stroke.color === "none" || !(stroke.width > 0)) return { type: "none" };
    return { color: hex(stroke.color), width: stroke.width * this.scale, dashType: dashType(stroke) };
  }

  private fill(color: Color | undefined, opacity: number | undefined): FillProps {
    if (color === undefined || color === "none") return { type: "none" };
    return { type: "solid", color: hex(color), ...(opacity !== undefined && opacity < 1 ? { transparency: Math.round((1 - Math.max(0, opacity)) * 100) } : {}) };
  }

  /** A freeform shape: `commands` relative to their bounding box, in inches as pptxgenjs takes them. */
  private freeform(commands: PathCommand[], name: string, fill: FillProps, line: LineProps): void {
    const box = boxOf(commandPoints(commands));
    const at = (p: Point) => ({ x: this.inches(p[0] - box.x0), y: this.inches(p[1] - box.y0) });
    const points: ShapePoints = [];
    for (const c of commands) {
      if (c.op === "M") points.push({ ...at(c.to), moveTo: true });
      else if (c.op === "L") points.push(at(c.to));
      else if (c.op === "C") {
        const c1 = at(c.c1);
        const c2 = at(c.c2);
        points.push({ ...at(c.to), curve: { type: "cubic", x1: c1.x, y1: c1.y, x2: c2.x, y2: c2.y } });
      } else points.push({ close: true });
    }
    this.slide.addShape("custGeom" as Parameters<Slide["addShape"]>[0], {
      x: this.inches(box.x0),
      y: this.inches(box.y0),
      // A horizontal or vertical line has no extent across: PowerPoint needs a positive one.
      w: Math.max(this.inches(box.x1 - box.x0), 1e-4),
      h: Math.max(this.inches(box.y1 - box.y0), 1e-4),
      points,
      fill,
      line,
      objectName: safeName(name),
    });
    this.record(box);
  }

  primitive(p: Primitive, name: string): void {
    switch (p.type) {
      case "polygon": {
        if (p.points.length < 2) return;
        const [first, ...rest] = p.points;
        const commands: PathCommand[] = [{ op: "M", to: first! }, ...rest.map((to) => ({ op: "L" as const, to })), { op: "Z" }];
        this.freeform(commands, name, this.fill(p.paint.fill, p.paint.fillOpacity), this.line(p.paint.stroke));
        return;
      }
      case "path": {
        if (p.commands.length === 0) return;
        const head = p.arrow === "end" && p.paint.stroke ? arrowHead(p.commands, p.paint.stroke.width) : undefined;
        this.freeform(head ? head.shortened : p.commands, name, this.fill(p.paint.fill, p.paint.fillOpacity), this.line(p.paint.stroke));
        if (head) {
          const [tip, left, right] = head.polygon;
          this.freeform([{ op: "M", to: tip }, { op: "L", to: left }, { op: "L", to: right }, { op: "Z" }], `${name} head`, this.fill(p.paint.stroke!.color, undefined), { type: "none" });
        }
        return;
      }
      case "circle": {
        if (!(p.radius > 0)) return;
        const [cx, cy] = p.center;
        const r = p.radius;
        this.slide.addShape("ellipse", { x: this.inches(cx - r), y: this.inches(cy - r), w: this.inches(2 * r), h: this.inches(2 * r), fill: this.fill(p.paint.fill, p.paint.fillOpacity), line: this.line(p.paint.stroke), objectName: safeName(name) });
        this.record({ x0: cx - r, y0: cy - r, x1: cx + r, y1: cy + r });
        return;
      }
      case "text":
        this.text(p, name);
        return;
      case "image":
        throw new Error("renderPptx: activation thumbnails are not drawn in PowerPoint output; render them to SVG or PDF");
    }
  }

  /**
   * A text box whose first baseline falls on the label's: its top one ascent above (the
   * font's own line ascent, as PowerPoint and Impress set a single-spaced line), no insets,
   * no wrapping, aligned on the anchor; turned about the anchor when the label is.
   */
  private text(t: TextPrimitive, name: string): void {
    if (t.text.trim() === "" || !(t.font.size > 0) || t.color === "none") return;
    const face = openFont(t.font);
    const ascent = (face.ascent / face.unitsPerEm) * t.font.size;
    const descent = (-face.descent / face.unitsPerEm) * t.font.size;
    // Room to spare: another font's wider glyphs must not wrap the line.
    const w = t.width * 1.3 + t.font.size;
    const h = ascent + descent;
    // The box's centre in the label's own axes (x along the baseline, y down), then on the page.
    // Left-aligned text starts at the box's edge, so the box starts at the anchor (ends there, right-aligned).
    const u = t.anchor === "start" ? w / 2 : t.anchor === "end" ? -w / 2 : 0;
    const v = h / 2 - ascent;
    const angle = ((t.rotate ?? 0) * Math.PI) / 180;
    const cx = t.at[0] + u * Math.cos(angle) + v * Math.sin(angle);
    const cy = t.at[1] - u * Math.sin(angle) + v * Math.cos(angle);
    this.slide.addText(xmlChars(singleLine(t.text)), {
      x: this.inches(cx - w / 2),
      y: this.inches(cy - h / 2),
      w: this.inches(w),
      h: this.inches(h),
      fontFace: face.familyName,
      fontSize: t.font.size * this.scale,
      color: hex(t.color),
      bold: t.font.weight === "bold",
      italic: t.font.style === "italic",
      align: t.anchor === "start" ? "left" : t.anchor === "end" ? "right" : "center",
      valign: "top",
      margin: 0,
      wrap: false,
      fit: "none",
      ...(t.rotate ? { rotate: -t.rotate } : {}),
      objectName: safeName(name),
    });
    this.record({ x0: cx - w / 2, y0: cy - h / 2, x1: cx + w / 2, y1: cy + h / 2 });
  }
}

/** Shape names like the SVG's ids: what the shape draws, numbered when repeated. */
class Names {
  private readonly used = new Map<string, number>();
  next(p: Primitive): string {
    const base = `${p.role}${p.owner !== undefined ? ` ${p.owner}` : ""}`;
    const n = this.used.get(base) ?? 0;
    this.used.set(base, n + 1);
    return n === 0 ? base : `${base} ${n}`;
  }
}

function layerKey(group: LayerGroup): GroupKey {
  const info = group.info;
  return { id: `layer:${group.name}`, name: group.name, ...(info ? { description: `${info.op}, ${shapeText(info.shape)}, ${info.params} params, ${info.macs} MACs` } : {}) };
}

function writeGroup(out: SlideWriter, group: SceneGroup, names: Names): void {
  if (group.kind !== "layer") {
    out.within({ id: `chrome:${group.kind}`, name: group.kind }, () => {
      for (const p of group.items) out.primitive(p, names.next(p));
    });
    return;
  }
  out.within(layerKey(group), () => {
    for (const item of group.items) {
      if (isGroup(item)) writeGroup(out, item, names);
      else out.primitive(item, names.next(item));
    }
  });
}

const emu = (points: number) => Math.round(points * EMU_PER_POINT);

/** The shape elements pptxgenjs wrote into the shape tree, in order. */
function shapeElements(tree: string): string[] {
  const out: string[] = [];
  const pattern = /<p:sp>[\s\S]*?<\/p:sp>/g;
  for (let m = pattern.exec(tree); m; m = pattern.exec(tree)) out.push(m[0]);
  return out;
}

/** Wraps runs of shapes that share a group in `<p:grpSp>`, nested as the groups are. */
function regroup(shapes: string[], placed: Placed[], nextId: () => number): string {
  interface Node {
    key?: GroupKey;
    children: (Node | number)[];
  }
  const root: Node = { children: [] };
  placed.forEach((shape, index) => {
    let node = root;
    for (const key of shape.path) {
      const last = node.children[node.children.length - 1];
      if (typeof last === "object" && last.key?.id === key.id) node = last;
      else {
        const child: Node = { key, children: [] };
        node.children.push(child);
        node = child;
      }
    }
    node.children.push(index);
  });
  const extent = (node: Node | number): Box => {
    if (typeof node === "number") return placed[node]!.box;
    const boxes = node.children.map(extent);
    return { x0: Math.min(...boxes.map((b) => b.x0)), y0: Math.min(...boxes.map((b) => b.y0)), x1: Math.max(...boxes.map((b) => b.x1)), y1: Math.max(...boxes.map((b) => b.y1)) };
  };
  const write = (node: Node | number): string => {
    if (typeof node === "number") return shapes[node]!;
    const inner = node.children.map(write).join("");
    if (!node.key) return inner;
    const b = extent(node);
    const off = `x="${emu(b.x0)}" y="${emu(b.y0)}"`;
    const ext = `cx="${Math.max(1, emu(b.x1 - b.x0))}" cy="${Math.max(1, emu(b.y1 - b.y0))}"`;
    const descr = node.key.description !== undefined ? ` descr="${xmlEscape(node.key.description)}"` : "";
    return (
      `<p:grpSp><p:nvGrpSpPr><p:cNvPr id="${nextId()}" name="${xmlEscape(node.key.name)}"${descr}/><p:cNvGrpSpPr/><p:nvPr/></p:nvGrpSpPr>` +
      `<p:grpSpPr><a:xfrm><a:off ${off}/><a:ext ${ext}/><a:chOff ${off}/><a:chExt ${ext}/></a:xfrm></p:grpSpPr>${inner}</p:grpSp>`
    );
  };
  return write(root);
}

/** The scene as a one-slide PowerPoint file; the same scene always gives the same bytes. */
export async function renderPptx(scene: Scene, options: PptxOptions = {}): Promise<Uint8Array> {
  if (!(scene.width > 0 && scene.height > 0)) throw new Error(`renderPptx: scene size ${scene.width}×${scene.height} is empty`);
  const scale = Math.min(1, MAX_SLIDE_POINTS / Math.max(scene.width, scene.height));
  const pptx = new PptxGenJS();
  pptx.defineLayout({ name: "netfig", width: (scene.width * scale) / 72, height: (scene.height * scale) / 72 });
  pptx.layout = "netfig";
  pptx.author = "netfig";
  pptx.company = "netfig";
  pptx.title = xmlChars(scene.title ?? "netfig figure");
  const slide = pptx.addSlide();
  if (scene.background !== "none") slide.background = { color: hex(scene.background) };
  const out = new SlideWriter(slide, scale);
  const names = new Names();
  for (const group of groupScene(scene)) writeGroup(out, group, names);

  const zip = await JSZip.loadAsync(await pptx.write({ outputType: "uint8array" }) as Uint8Array);
  const slidePath = "ppt/slides/slide1.xml";
  const xml = await zip.file(slidePath)!.async("string");
  const open = xml.indexOf("<p:spTree>");
  const close = xml.lastIndexOf("</p:spTree>");
  const tree = xml.slice(open, close);
  const shapes = shapeElements(tree);
  if (shapes.length !== out.placed.length) throw new Error(`renderPptx: pptxgenjs wrote ${shapes.length} shapes for ${out.placed.length}`);
  const header = tree.slice(0, tree.indexOf(shapes[0] ?? "</p:spTree>"));
  let id = shapes.length + 2;
  // pptxgenjs writes an empty <a:ln> for "no line", which leaves the line to the application.
  const grouped = (header + regroup(shapes, out.placed, () => id++)).replace(/<a:ln><\/a:ln>/g, "<a:ln><a:noFill/></a:ln>");

  const date = (options.date ?? DEFAULT_DATE).toISOString().replace(/\.\d{3}Z$/, "Z");
  const core = (await zip.file("docProps/core.xml")!.async("string")).replace(/(<dcterms:(created|modified)[^>]*>)[^<]*/g, `$1${date}`);
  const files: [string, string | Uint8Array][] = [];
  for (const name of Object.keys(zip.files).sort()) {
    const entry = zip.files[name]!;
    if (entry.dir) continue;
    if (name === slidePath) files.push([name, xml.slice(0, open) + grouped + xml.slice(close)]);
    else if (name === "docProps/core.xml") files.push([name, core]);
    else files.push([name, await entry.async("uint8array")]);
  }
  // [Content_Types].xml first, as Office writes it; then in name order, every entry dated alike.
  files.sort(([a], [b]) => (a === "[Content_Types].xml" ? -1 : b === "[Content_Types].xml" ? 1 : a < b ? -1 : a > b ? 1 : 0));
  const fixed = new JSZip();
  for (const [name, content] of files) fixed.file(name, content, { date: options.date ?? DEFAULT_DATE, createFolders: false });
  return fixed.generateAsync({ type: "uint8array", compression: "DEFLATE", compressionOptions: { level: 6 } });
}
