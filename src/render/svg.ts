import type { PathCommand, Stroke } from "../geometry/types.js";
import type { Primitive, Scene, TextPrimitive } from "../scene/types.js";
import { openFont, tabledFace } from "../text/measure.js";
import { textOutline } from "../text/outline.js";
import { arrowHead } from "./arrow.js";
import { groupScene, isGroup, shapeText, type LayerGroup, type SceneGroup } from "./groups.js";

export interface SvgOptions {
  /** Draw text as glyph outlines instead of `<text>`: looks the same without the fonts, but is not selectable. */
  textAsPaths?: boolean;
}

/** Two decimals are a hundredth of a point: finer than any printer, and stable bytes. */
function num(v: number): string {
  const r = Math.round(v * 100) / 100;
  return Object.is(r, -0) ? "0" : String(r);
}

/** Characters XML 1.0 forbids even when escaped; a label cannot smuggle them into the file. */
function xmlSafe(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, "\ufffd");
}

function pathData(commands: PathCommand[]): string {
  let d = "";
  for (const c of commands) {
    if (c.op === "Z") d += "Z";
    else if (c.op === "C") d += `C${num(c.c1[0])} ${num(c.c1[1])} ${num(c.c2[0])} ${num(c.c2[1])} ${num(c.to[0])} ${num(c.to[1])}`;
    else d += `${c.op}${num(c.to[0])} ${num(c.to[1])}`;
  }
  return d;
}

/** Text made an ASCII XML name (`conv1->conv2` → `conv1-to-conv2`), before numbering repeats. */
export function svgIdBase(text: string): string {
  return text
    .replace(/->/g, "-to-")
    .replace(/[^A-Za-z0-9_.-]+/g, "_")
    .replace(/^([^A-Za-z_])/, "_$1");
}

/**
 * Ids from what an element draws (`edge-conv1-to-conv2`, a layer's group by its name
 * `layer1.0.conv1`): ASCII XML names, numbered only when repeated, in document order.
 */
class Ids {
  private readonly used = new Map<string, number>();
  next(p: Primitive): string {
    return this.named(`${p.role}${p.owner !== undefined ? `-${p.owner}` : ""}`);
  }
  named(text: string): string {
    const base = svgIdBase(text);
    let n = this.used.get(base) ?? 0;
    // `a` twice gives `a`, `a-1`; a later name that is itself `a-1` moves on to `a-1-1`.
    let id = n === 0 ? base : `${base}-${n}`;
    while (n > 0 && this.used.has(id)) id = `${base}-${++n}`;
    this.used.set(base, n + 1);
    if (id !== base) this.used.set(id, 1);
    return id;
  }
}

/** Escapes text and attribute values the way an XML serialiser does (quotes too, for attributes). */
function escape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/**
 * Writes SVG elements as text. The document is leaf elements in shallow groups, so a string
 * writer does what a DOM would at a fraction of the cost: loading svgdom alone took a
 * quarter of a second, a sixth of the time budget of rendering ResNet-152. Attributes keep
 * the order given; undefined ones are left out; every value and text is escaped.
 */
class SvgWriter {
  private readonly parts: string[] = [];
  element(name: string, attrs: Record<string, string | undefined>, text = ""): void {
    this.open(name, attrs);
    this.parts.push(`${escape(text)}</${name}>`);
  }
  open(name: string, attrs: Record<string, string | undefined>): void {
    let open = `<${name}`;
    for (const [k, v] of Object.entries(attrs)) if (v !== undefined) open += ` ${k}="${escape(v)}"`;
    this.parts.push(`${open}>`);
  }
  close(name: string): void {
    this.parts.push(`</${name}>`);
  }
  toString(): string {
    return this.parts.join("");
  }
}

function strokeAttrs(stroke: Stroke | undefined): Record<string, string | undefined> {
  if (!stroke) return { stroke: undefined };
  return {
    stroke: stroke.color,
    "stroke-width": num(stroke.width),
    "stroke-dasharray": stroke.dash?.map(num).join(" "),
    "stroke-linejoin": stroke.join,
    "stroke-linecap": stroke.cap,
  };
}

const familyNames = new Map<string, string>();

/** The CSS family of a font spec: the font file's own family name, then a generic fallback. */
function cssFamily(t: TextPrimitive): string {
  let name = familyNames.get(t.font.family);
  if (name === undefined) {
    const regular = { family: t.font.family, weight: "normal", style: "normal" } as const;
    // The bundled fonts' names are in the metrics table: an SVG of them never loads fontkit.
    const face = tabledFace(regular) ?? openFont(regular);
    const generic = face.familyName.toLowerCase().includes("mono") ? "monospace" : /serif/i.test(face.familyName) && !/sans/i.test(face.familyName) ? "serif" : "sans-serif";
    name = `${face.familyName}, ${generic}`;
    familyNames.set(t.font.family, name);
  }
  return name;
}

function drawText(out: SvgWriter, t: TextPrimitive, id: string, asPaths: boolean): void {
  if (asPaths) {
    out.element("path", { id, d: pathData(textOutline(t)), fill: t.color });
    return;
  }
  out.element("text", {
    id,
    x: num(t.at[0]),
    y: num(t.at[1]),
    "font-family": cssFamily(t),
    "font-size": num(t.font.size),
    "font-weight": t.font.weight === "bold" ? "bold" : undefined,
    "font-style": t.font.style === "italic" ? "italic" : undefined,
    "text-anchor": t.anchor === "start" ? undefined : t.anchor,
    fill: t.color,
    transform: t.rotate ? `rotate(${num(-t.rotate)} ${num(t.at[0])} ${num(t.at[1])})` : undefined,
  }, xmlSafe(t.text));
}

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
}

function drawPrimitive(out: SvgWriter, p: Primitive, id: string, options: SvgOptions): void {
  switch (p.type) {
    case "polygon": {
      out.element("polygon", {
        id,
        points: p.points.map(([x, y]) => `${num(x)},${num(y)}`).join(" "),
        fill: p.paint.fill ?? "none",
        "fill-opacity": p.paint.fillOpacity !== undefined ? num(p.paint.fillOpacity) : undefined,
        ...strokeAttrs(p.paint.stroke),
      });
      return;
    }
    case "path": {
      const head = p.arrow === "end" && p.paint.stroke ? arrowHead(p.commands, p.paint.stroke.width) : undefined;
      out.element("path", { id, d: pathData(head ? head.shortened : p.commands), fill: p.paint.fill ?? "none", ...strokeAttrs(p.paint.stroke) });
      if (head) {
        out.element("polygon", { id: `${id}-head`, points: head.polygon.map(([x, y]) => `${num(x)},${num(y)}`).join(" "), fill: p.paint.stroke!.color });
      }
      return;
    }
    case "circle": {
      out.element("circle", { id, cx: num(p.center[0]), cy: num(p.center[1]), r: num(p.radius), fill: p.paint.fill ?? "none", ...strokeAttrs(p.paint.stroke) });
      return;
    }
    case "text":
      drawText(out, p, id, options.textAsPaths === true);
      return;
    case "image": {
      const [tl, tr, bl] = p.corners;
      // The unit square mapped onto the three corners: thumbnails may lie on skewed faces.
      const matrix = [tr[0] - tl[0], tr[1] - tl[1], bl[0] - tl[0], bl[1] - tl[1], tl[0], tl[1]].map(num).join(" ");
      out.element("image", {
        id,
        width: "1",
        height: "1",
        preserveAspectRatio: "none",
        // Activation pixels stay crisp, as PDF viewers show them: both formats look alike.
        "image-rendering": "optimizeSpeed",
        transform: `matrix(${matrix})`,
        href: `data:image/png;base64,${base64(p.png)}`,
      });
      return;
    }
  }
}

/** A layer's group: its id from its name, the exact name and its numbers as data, its kind as a class. */
function layerAttrs(group: LayerGroup, ids: Ids): Record<string, string | undefined> {
  const info = group.info;
  return {
    id: ids.named(group.name),
    class: info ? `layer ${info.op}` : "layer",
    "data-name": xmlSafe(group.name),
    "data-op": info?.op,
    "data-category": info?.category,
    "data-shape": info && shapeText(info.shape),
    "data-params": info && String(info.params),
    "data-macs": info && String(info.macs),
  };
}

function drawGroup(out: SvgWriter, group: SceneGroup, ids: Ids, options: SvgOptions): void {
  if (group.kind !== "layer") {
    out.open("g", { id: ids.named(group.kind), class: group.kind });
    for (const p of group.items) drawPrimitive(out, p, ids.next(p), options);
    out.close("g");
    return;
  }
  out.open("g", layerAttrs(group, ids));
  for (const item of group.items) {
    if (isGroup(item)) drawGroup(out, item, ids, options);
    else drawPrimitive(out, item, ids.next(item), options);
  }
  out.close("g");
}

/**
 * The scene as a standalone SVG document: real `<text>`, every label escaped, no external
 * references (images are inlined), ids derived from content and numbers rounded, so the
 * same scene always gives the same bytes. Layered for editing: one `<g>` per layer (see
 * groups.ts), so one click in Inkscape selects a whole block with its labels.
 */
export function renderSvg(scene: Scene, options: SvgOptions = {}): string {
  const w = num(scene.width);
  const h = num(scene.height);
  const out = new SvgWriter();
  if (scene.title !== undefined) out.element("title", {}, xmlSafe(scene.title));
  if (scene.background !== "none") out.element("rect", { id: "background", width: w, height: h, fill: scene.background });
  const ids = new Ids();
  for (const group of groupScene(scene)) drawGroup(out, group, ids, options);
  // The scene already holds its padding: the viewBox is the scene, width and height in points.
  const root = `<svg xmlns="http://www.w3.org/2000/svg" version="1.1" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 ${w} ${h}" width="${w}pt" height="${h}pt">`;
  return `<?xml version="1.0" encoding="UTF-8"?>\n${root}${out.toString()}</svg>\n`;
}
