/**
 * Print sizing: the fit that makes `--font-size 8` print at exactly 8 pt when the figure
 * is set to `--width 85mm` (the values themselves are parsed by options/print.ts).
 *
 * How `printFigure` (print.ts) uses `fitToWidth` for each arrangement it tries (why: the
 * figure is re-laid-out, not shrunk):
 *
 *   A figure laid out with labels of size F and scaled by s to the printed width prints
 *   its labels at F·s. Shrinking a layout made for 8 pt labels to 85 mm would print them
 *   at maybe 5 pt. So the layout is run again with every length that must have a fixed
 *   *printed* size (font sizes, stroke widths, dashes; `printTheme` does this to a theme)
 *   divided by s, while the geometry that comes from the network (block sizes from tensor
 *   shapes, ELK spacing) is not. The laid-out width W(s) then depends on s, and the scale
 *   that makes the printed width exactly the target solves  s = target / W(s).
 *   `fitToWidth` finds it with a few layouts (secant steps in 1/s) and `scaleScene`
 *   applies it, so the page width is exact and labels print at F·(finalScale/layoutScale),
 *   which the tolerance keeps within 0.01 % of F:
 *
 *     const fit = await fitToWidth(async (s) =>
 *       buildScene(await layout(analyzed, { ...request, customTheme: printTheme(base, { fontSize, layoutScale: s }) })),
 *       widthPt);
 *     const scene = scaleScene(fit.laidOut, fit.finalScale);
 *     if (!fit.converged) warn(`labels print at ${(fontSize * fit.printedFontRatio).toFixed(1)} pt, not ${fontSize} pt`);
 *
 *   Without `--width` there is nothing to fit: lay out once with layoutScale 1 (labels at
 *   `--font-size`) and print at natural size. When no scale fits (the labels alone are
 *   wider than the target), `converged` is false and `printedFontRatio` says how far off.
 */

import type { Point } from "../geometry/types.js";
import { translate } from "../scene/shapes.js";
import type { Primitive, Scene } from "../scene/types.js";
import type { Theme } from "../themes/types.js";

/** The factor that scales a figure `sceneWidthPt` wide to print `targetWidthPt` wide. */
export function fitScale(sceneWidthPt: number, targetWidthPt: number): number {
  if (!(sceneWidthPt > 0) || !(targetWidthPt > 0)) {
    throw new RangeError(`fitScale: widths must be positive (scene ${sceneWidthPt}, target ${targetWidthPt})`);
  }
  return targetWidthPt / sceneWidthPt;
}

export interface FitResult<T> {
  /** The layout to scale, made by `layoutAt(layoutScale)`. */
  laidOut: T;
  /** The scale the layout was made for (print-size lengths were divided by it). */
  layoutScale: number;
  /** The scale that makes `laidOut` exactly the target width: pass it to `scaleScene`. */
  finalScale: number;
  /** Printed label size ÷ requested label size: 1 when the fit succeeded. */
  printedFontRatio: number;
  /** Whether `printedFontRatio` is within the tolerance. */
  converged: boolean;
  /** How many layouts the fit ran. */
  layouts: number;
}

export interface FitOptions {
  /** Allowed relative error of the printed font size (default 1e-4). */
  tolerance?: number;
  /** Upper bound on layouts (default 8); each may take a second for a large network. */
  maxLayouts?: number;
  /** Where to start: a similar layout's scale saves a step or two (default 1). */
  initialScale?: number;
}

/** Scales outside this range mean there is no fit (labels wider than the page); stop there. */
const SCALE_LIMITS: [number, number] = [1e-3, 1e3];

/**
 * Finds the scale s at which a layout whose print-size lengths were divided by s prints
 * exactly `targetWidthPt` wide (see the top of this file). `layoutAt(s)` must be
 * deterministic; its result's `width` is in points before scaling. Layouts run one after
 * another (each step needs the previous width).
 */
export async function fitToWidth<T extends { width: number }>(
  layoutAt: (layoutScale: number) => T | Promise<T>,
  targetWidthPt: number,
  options: FitOptions = {},
): Promise<FitResult<T>> {
  const tolerance = options.tolerance ?? 1e-4;
  const maxLayouts = Math.max(1, options.maxLayouts ?? 8);
  const clamp = (u: number) => Math.min(1 / SCALE_LIMITS[0], Math.max(1 / SCALE_LIMITS[1], u));

  let best: FitResult<T> | undefined;
  // Solve in u = 1/s, the factor by which print-size lengths grow: a layout's width is close
  // to linear in u (fixed geometry plus labels and gaps), so g(u) = W(u) − target·u is too,
  // and secant steps on it land in one or two layouts where steps in s would crawl.
  let previous: { u: number; g: number } | undefined;
  let u = clamp(1 / (options.initialScale ?? 1));
  for (let layouts = 1; layouts <= maxLayouts; layouts++) {
    const laidOut = await layoutAt(1 / u);
    const finalScale = fitScale(laidOut.width, targetWidthPt);
    const ratio = finalScale * u;
    const result: FitResult<T> = {
      laidOut,
      layoutScale: 1 / u,
      finalScale,
      printedFontRatio: ratio,
      converged: Math.abs(ratio - 1) <= tolerance,
      layouts,
    };
    if (!best || Math.abs(Math.log(ratio)) < Math.abs(Math.log(best.printedFontRatio))) best = result;
    best.layouts = layouts;
    if (result.converged) return best;

    const g = laidOut.width - targetWidthPt * u;
    let next = 1 / finalScale; // the fixed-point step, used when the secant has no slope to follow
    if (previous && g !== previous.g) {
      const secant = u - (g * (u - previous.u)) / (g - previous.g);
      if (Number.isFinite(secant) && secant > 0) next = secant;
    }
    previous = { u, g };
    const clamped = clamp(next);
    if (clamped === u) break;
    u = clamped;
  }
  return best!;
}

/** The smallest text a printed figure shows (6 pt, as journals ask). */
export const MIN_PRINTED_TEXT_PT = 6;

export interface PrintSize {
  /** `--font-size`: the printed size of the shape labels; every other text style keeps its ratio to them. */
  fontSize: number;
  /** The layout scale `fitToWidth` asks for (1 without `--width`). */
  layoutScale: number;
  /** `--font` as `parseFont` returned it (a bundled name or a font file path); the theme's font otherwise. */
  font?: string;
}

/**
 * The theme to lay a figure out with so that, after `scaleScene(…, finalScale)`, its text
 * and lines print at the theme's sizes: shape labels at `fontSize`, the other text styles
 * in proportion, and stroke widths, dashes and arrow heads at the theme's points.
 */
export function printTheme(theme: Theme, { fontSize, layoutScale, font }: PrintSize): Theme {
  const text = fontSize / theme.text.shape.size / layoutScale;
  const line = 1 / layoutScale;
  // Smaller styles keep their proportion down to the smallest size a printed page can be
  // read at, and no further (unless the labels themselves were asked for smaller).
  const floor = Math.min(MIN_PRINTED_TEXT_PT, fontSize) / layoutScale;
  const styles = Object.fromEntries(
    Object.entries(theme.text).map(([name, style]) => [name, { ...style, size: Math.max(floor, style.size * text) }]),
  ) as Theme["text"];
  return {
    ...theme,
    font: font ?? theme.font,
    text: styles,
    outline: { ...theme.outline, width: theme.outline.width * line },
    // Arrow heads follow the edge width (render/arrow.ts), so they scale with it.
    edge: { ...theme.edge, width: theme.edge.width * line },
    frame: { ...theme.frame, width: theme.frame.width * line, dash: theme.frame.dash.map((d) => d * line) },
  };
}

const scalePoint = ([x, y]: Point, s: number): Point => [x * s, y * s];

function scalePrimitive(p: Primitive, s: number): Primitive {
  const paint = "paint" in p && p.paint.stroke
    ? {
        ...p.paint,
        stroke: { ...p.paint.stroke, width: p.paint.stroke.width * s, dash: p.paint.stroke.dash?.map((d) => d * s) },
      }
    : undefined;
  switch (p.type) {
    case "polygon":
      return { ...p, points: p.points.map((q) => scalePoint(q, s)), paint: paint ?? p.paint };
    case "path":
      return {
        ...p,
        paint: paint ?? p.paint,
        commands: p.commands.map((c) => {
          switch (c.op) {
            case "M":
            case "L":
              return { op: c.op, to: scalePoint(c.to, s) };
            case "C":
              return { op: "C", c1: scalePoint(c.c1, s), c2: scalePoint(c.c2, s), to: scalePoint(c.to, s) };
            case "Z":
              return c;
          }
        }),
      };
    case "circle":
      return { ...p, center: scalePoint(p.center, s), radius: p.radius * s, paint: paint ?? p.paint };
    case "text":
      // Advance widths are linear in the font size (no hinting), so the measured width scales too.
      return { ...p, at: scalePoint(p.at, s), font: { ...p.font, size: p.font.size * s }, width: p.width * s };
    case "image":
      return { ...p, corners: [scalePoint(p.corners[0], s), scalePoint(p.corners[1], s), scalePoint(p.corners[2], s)] };
  }
}

/** The scene uniformly scaled by `s`: coordinates, stroke widths, dashes, font sizes, text widths. */
export function scaleScene(scene: Scene, s: number): Scene {
  if (!(s > 0) || !Number.isFinite(s)) throw new RangeError(`scaleScene: scale must be positive, got ${s}`);
  return { ...scene, width: scene.width * s, height: scene.height * s, primitives: scene.primitives.map((p) => scalePrimitive(p, s)) };
}

/** The scene on a page `width` wide, centred: for a figure that would otherwise be enlarged past its natural size. */
export function padToWidth(scene: Scene, width: number): Scene {
  const dx = (width - scene.width) / 2;
  if (!(dx > 0)) return scene;
  return { ...scene, width, primitives: scene.primitives.map((p) => translate(p, dx, 0)) };
}
