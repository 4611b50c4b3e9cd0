/**
 * A minimal scene → SVG writer for these tests, independent of the product's SVG renderer,
 * so the PNG path and the PDF can be compared pixel by pixel. It follows the scene contract
 * literally: points as user units, y down, text on its baseline with `text-anchor`.
 */

import type { PathCommand, Primitive, Scene, Stroke } from "../../src/scene/types.js";
import { arrowHead } from "../../src/render/arrow.js";
import { textOutline } from "../../src/text/outline.js";

const FAMILY: Record<string, string> = { sans: "DejaVu Sans", serif: "CMU Serif", mono: "DejaVu Sans Mono" };

const n = (v: number) => String(Math.round(v * 1000) / 1000);

function escape(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

export function pathData(commands: PathCommand[]): string {
  return commands
    .map((c) => {
      switch (c.op) {
        case "M":
        case "L":
          return `${c.op}${n(c.to[0])} ${n(c.to[1])}`;
        case "C":
          return `C${n(c.c1[0])} ${n(c.c1[1])} ${n(c.c2[0])} ${n(c.c2[1])} ${n(c.to[0])} ${n(c.to[1])}`;
        case "Z":
          return "Z";
      }
    })
    .join("");
}

function strokeAttrs(s: Stroke | undefined): string {
  if (!s) return ` stroke="none"`;
  let a = ` stroke="${s.color}" stroke-width="${n(s.width)}"`;
  if (s.join) a += ` stroke-linejoin="${s.join}"`;
  if (s.cap) a += ` stroke-linecap="${s.cap}"`;
  if (s.dash && s.dash.length > 0) a += ` stroke-dasharray="${s.dash.map(n).join(" ")}"`;
  return a;
}

function primitive(p: Primitive, textAsPaths: boolean): string {
  switch (p.type) {
    case "polygon": {
      const fill = p.paint.fill ?? "none";
      const op = p.paint.fillOpacity !== undefined ? ` fill-opacity="${p.paint.fillOpacity}"` : "";
      return `<polygon points="${p.points.map(([x, y]) => `${n(x)},${n(y)}`).join(" ")}" fill="${fill}"${op}${strokeAttrs(p.paint.stroke)}/>`;
    }
    case "path": {
      const head = p.arrow === "end" && p.paint.stroke ? arrowHead(p.commands, p.paint.stroke.width) : undefined;
      const line = `<path d="${pathData(head ? head.shortened : p.commands)}" fill="${p.paint.fill ?? "none"}"${strokeAttrs(p.paint.stroke)}/>`;
      if (!head) return line;
      return line + `<polygon points="${head.polygon.map(([x, y]) => `${n(x)},${n(y)}`).join(" ")}" fill="${p.paint.stroke!.color}"/>`;
    }
    case "circle":
      return `<circle cx="${n(p.center[0])}" cy="${n(p.center[1])}" r="${n(p.radius)}" fill="${p.paint.fill ?? "none"}"${strokeAttrs(p.paint.stroke)}/>`;
    case "text": {
      if (textAsPaths) return `<path d="${pathData(textOutline(p))}" fill="${p.color}"/>`;
      const rotate = p.rotate ? ` transform="rotate(${n(-p.rotate)} ${n(p.at[0])} ${n(p.at[1])})"` : "";
      return (
        `<text x="${n(p.at[0])}" y="${n(p.at[1])}" text-anchor="${p.anchor}" font-family="${FAMILY[p.font.family] ?? p.font.family}"` +
        ` font-size="${n(p.font.size)}" font-weight="${p.font.weight}" font-style="${p.font.style}" fill="${p.color}"${rotate}>${escape(p.text)}</text>`
      );
    }
    case "image": {
      const [[x0, y0], [x1, y1], [x2, y2]] = p.corners;
      const href = `data:image/png;base64,${Buffer.from(p.png).toString("base64")}`;
      return `<image width="1" height="1" preserveAspectRatio="none" image-rendering="optimizeSpeed" transform="matrix(${[x1 - x0, y1 - y0, x2 - x0, y2 - y0, x0, y0].map(n).join(" ")})" href="${href}"/>`;
    }
  }
}

export function sceneToSvg(scene: Scene, textAsPaths = false): string {
  const bg = scene.background === "none" ? "" : `<rect width="${n(scene.width)}" height="${n(scene.height)}" fill="${scene.background}"/>`;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${n(scene.width)}pt" height="${n(scene.height)}pt" viewBox="0 0 ${n(scene.width)} ${n(scene.height)}">` +
    bg +
    scene.primitives.map((p) => primitive(p, textAsPaths)).join("") +
    `</svg>`
  );
}
