/**
 * Glyph outlines of a text primitive, for SVGs that must look the same where the font is
 * not installed (`--text-as-paths`). The glyphs come from the same font file and the same
 * shaping (kerning, ligatures, split by script: `shaping.ts`) as the PDF's text, so the
 * outline lines up with the `<text>` element it replaces and with the PDF.
 */

import type { FontSpec, PathCommand, Point } from "../geometry/types.js";
import { openFont } from "./measure.js";
import { shapeText } from "./shaping.js";

/** A placed line of text, as the scene's text primitive holds it (text comes before the scene). */
export interface PlacedText {
  text: string;
  /** Anchor point: x per `anchor`, y on the alphabetic baseline. */
  at: Point;
  anchor: "start" | "middle" | "end";
  font: FontSpec;
  /** Rotation in degrees about `at`, counter-clockwise positive as on paper. */
  rotate?: number;
  /** Measured advance width in points. */
  width: number;
}

/** One command of fontkit's glyph path, in font units with y up. */
interface GlyphCommand {
  command: string;
  args: number[];
}

/** Where the anchor puts the start of the text, relative to `at`, in points. */
export function anchorOffset(t: Pick<PlacedText, "anchor" | "width">): number {
  switch (t.anchor) {
    case "start":
      return 0;
    case "middle":
      return -t.width / 2;
    case "end":
      return -t.width;
  }
}

/**
 * The outline of `t` as absolute path commands in scene coordinates (points, y down):
 * positioned by anchor (using the measured `width`, as every renderer does), on the
 * alphabetic baseline at `at`, rotated counter-clockwise by `rotate` degrees about `at`.
 * TrueType quadratic curves become the equivalent cubics. Fill it with the text colour
 * using the nonzero rule.
 */
export function textOutline(t: PlacedText): PathCommand[] {
  const face = openFont(t.font);
  const glyphs = shapeText(face, t.text).flatMap((run) => run.glyphs.map((glyph, i) => ({ glyph, pos: run.positions[i]! })));
  const unit = t.font.size / face.unitsPerEm;
  const angle = ((t.rotate ?? 0) * Math.PI) / 180;
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const [ax, ay] = t.at;
  const start = anchorOffset(t);

  // Text-space (x right, y down, origin at the anchor) to scene space; counter-clockwise on
  // paper is clockwise in these y-down axes, hence the signs.
  const place = (x: number, y: number): Point => [ax + x * cos + y * sin, ay - x * sin + y * cos];

  const out: PathCommand[] = [];
  let penX = 0;
  let penY = 0;
  for (const { glyph, pos } of glyphs) {
    const ox = penX + pos.xOffset;
    const oy = penY + pos.yOffset;
    // Font units, y up, relative to the glyph origin → text space in points.
    const toText = (gx: number, gy: number): [number, number] => [start + (ox + gx) * unit, -(oy + gy) * unit];
    let current: [number, number] = [0, 0];
    let subpathStart: [number, number] = [0, 0];
    for (const { command, args } of glyph.path.commands as GlyphCommand[]) {
      switch (command) {
        case "moveTo": {
          current = toText(args[0]!, args[1]!);
          subpathStart = current;
          out.push({ op: "M", to: place(...current) });
          break;
        }
        case "lineTo": {
          current = toText(args[0]!, args[1]!);
          out.push({ op: "L", to: place(...current) });
          break;
        }
        case "quadraticCurveTo": {
          // A quadratic with control Q from P0 to P is the cubic with controls P0 + 2/3(Q − P0) and P + 2/3(Q − P).
          const q = toText(args[0]!, args[1]!);
          const to = toText(args[2]!, args[3]!);
          const c1: [number, number] = [current[0] + (2 / 3) * (q[0] - current[0]), current[1] + (2 / 3) * (q[1] - current[1])];
          const c2: [number, number] = [to[0] + (2 / 3) * (q[0] - to[0]), to[1] + (2 / 3) * (q[1] - to[1])];
          out.push({ op: "C", c1: place(...c1), c2: place(...c2), to: place(...to) });
          current = to;
          break;
        }
        case "bezierCurveTo": {
          const c1 = toText(args[0]!, args[1]!);
          const c2 = toText(args[2]!, args[3]!);
          const to = toText(args[4]!, args[5]!);
          out.push({ op: "C", c1: place(...c1), c2: place(...c2), to: place(...to) });
          current = to;
          break;
        }
        case "closePath": {
          out.push({ op: "Z" });
          current = subpathStart;
          break;
        }
        default:
          throw new Error(`textOutline: unexpected glyph path command ${command}`);
      }
    }
    penX += pos.xAdvance;
    penY += pos.yAdvance;
  }
  return out;
}
