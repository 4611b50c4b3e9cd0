import { SVG, registerWindow, type Container, type Element as SvgElement, type Svg } from "@svgdotjs/svg.js";
import { createSVGWindow } from "svgdom";
import type { PathCommand, Primitive, Scene, Stroke, TextPrimitive } from "../scene/types.js";
import { openFont } from "../text/measure.js";
import { textOutline } from "../text/outline.js";
import { arrowHead } from "./arrow.js";

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

/** Ids from what an element draws (`edge-conv1-conv2`), numbered only when repeated. */
class Ids {
  private readonly used = new Map<string, number>();
  next(p: Primitive): string {
    const base = `${p.role}${p.owner !== undefined ? `-${p.owner}` : ""}`
      .replace(/->/g, "-to-")
      .replace(/[^A-Za-z0-9_.-]+/g, "_")
      .replace(/^([^A-Za-z_])/, "_$1");
    const n = this.used.get(base) ?? 0;
    this.used.set(base, n + 1);
    return n === 0 ? base : `${base}-${n}`;
  }
}

/** The slice of the DOM the renderer touches (svgdom's nodes; this project builds without lib.dom). */
interface DomNode {
  setAttribute(name: string, value: string): void;
  appendChild(child: DomNode): DomNode;
  readonly outerHTML: string;
  readonly ownerDocument: { createTextNode(text: string): DomNode };
}

function dom(el: SvgElement): DomNode {
  return el.node as unknown as DomNode;
}

// svg.js's attr() parses every value; the renderer's values are final strings, so they
// go to the DOM node directly, which keeps a 5,000-element figure fast.
function set(el: SvgElement, attrs: Record<string, string | undefined>): void {
  const node = dom(el);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined) node.setAttribute(k, v);
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
    const face = openFont({ family: t.font.family, weight: "normal", style: "normal" });
    const generic = face.familyName.toLowerCase().includes("mono") ? "monospace" : /serif/i.test(face.familyName) && !/sans/i.test(face.familyName) ? "serif" : "sans-serif";
    name = `${face.familyName}, ${generic}`;
    familyNames.set(t.font.family, name);
  }
  return name;
}

function drawText(parent: Container, t: TextPrimitive, id: string, asPaths: boolean): void {
  if (asPaths) {
    const el = parent.element("path");
    set(el, { id, d: pathData(textOutline(t)), fill: t.color });
    return;
  }
  const el = parent.element("text");
  set(el, {
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
  });
  const node = dom(el);
  node.appendChild(node.ownerDocument.createTextNode(xmlSafe(t.text)));
}

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
}

function drawPrimitive(parent: Container, p: Primitive, id: string, options: SvgOptions): void {
  switch (p.type) {
    case "polygon": {
      const el = parent.element("polygon");
      set(el, {
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
      const el = parent.element("path");
      set(el, { id, d: pathData(head ? head.shortened : p.commands), fill: p.paint.fill ?? "none", ...strokeAttrs(p.paint.stroke) });
      if (head) {
        const tip = parent.element("polygon");
        set(tip, { id: `${id}-head`, points: head.polygon.map(([x, y]) => `${num(x)},${num(y)}`).join(" "), fill: p.paint.stroke!.color });
      }
      return;
    }
    case "circle": {
      const el = parent.element("circle");
      set(el, { id, cx: num(p.center[0]), cy: num(p.center[1]), r: num(p.radius), fill: p.paint.fill ?? "none", ...strokeAttrs(p.paint.stroke) });
      return;
    }
    case "text":
      drawText(parent, p, id, options.textAsPaths === true);
      return;
    case "image": {
      const [tl, tr, bl] = p.corners;
      const el = parent.element("image");
      // The unit square mapped onto the three corners: thumbnails may lie on skewed faces.
      const matrix = [tr[0] - tl[0], tr[1] - tl[1], bl[0] - tl[0], bl[1] - tl[1], tl[0], tl[1]].map(num).join(" ");
      set(el, {
        id,
        width: "1",
        height: "1",
        preserveAspectRatio: "none",
        transform: `matrix(${matrix})`,
        href: `data:image/png;base64,${base64(p.png)}`,
      });
      return;
    }
  }
}

/**
 * The scene as a standalone SVG document: real `<text>`, every label escaped by the DOM
 * serialiser, no external references (images are inlined), ids derived from content and
 * numbers rounded, so the same scene always gives the same bytes.
 */
export function renderSvg(scene: Scene, options: SvgOptions = {}): string {
  // A fresh window per figure: nothing from an earlier render can leak into this one.
  const window = createSVGWindow();
  registerWindow(window as unknown as Parameters<typeof registerWindow>[0], window.document as unknown as Parameters<typeof registerWindow>[1]);
  const draw = SVG(window.document.documentElement) as unknown as Svg;
  const w = num(scene.width);
  const h = num(scene.height);
  // The scene already holds its padding: the viewBox is the scene, width and height in points.
  set(draw, { viewBox: `0 0 ${w} ${h}`, width: `${w}pt`, height: `${h}pt` });
  if (scene.title !== undefined) {
    const title = dom(draw.element("title"));
    title.appendChild(title.ownerDocument.createTextNode(xmlSafe(scene.title)));
  }
  if (scene.background !== "none") set(draw.element("rect"), { id: "background", width: w, height: h, fill: scene.background });
  const ids = new Ids();
  for (const p of scene.primitives) drawPrimitive(draw, p, ids.next(p), options);
  const body = dom(draw).outerHTML;
  return `<?xml version="1.0" encoding="UTF-8"?>\n${body}\n`;
}
