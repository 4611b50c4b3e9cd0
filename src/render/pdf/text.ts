/**
 * A label as PDF text: its glyphs, the same ones that measured it, shown with TJ in the
 * embedded subset, each run of one script placed at the advance the measuring gave the runs
 * before it. Ordinary labels take their glyphs from the metrics table (text/measure.ts
 * `tabledGlyphs`); other text is shaped by fontkit (text/shaping.ts), loaded only then.
 */

import type { TextPrimitive } from "../../scene/types.js";
import { openFont, tabledFace, tabledGlyphs } from "../../text/measure.js";
import { anchorOffset } from "../../text/outline.js";
import { scriptRuns, shapeText } from "../../text/shaping.js";
import type { EmbeddedFont, PdfFonts } from "./fonts.js";
import { num } from "./syntax.js";
import { singleLine } from "../single-line.js";

/** One glyph of a shaped run, in font units; offsets move the glyph without moving the pen. */
interface PlacedGlyph {
  id: number;
  codePoints: readonly number[];
  xAdvance: number;
  xOffset: number;
  yOffset: number;
}

interface GlyphRun {
  glyphs: PlacedGlyph[];
  advanceWidth: number;
}

/** The text's script runs as glyphs: from the table where it sets the run, else from fontkit's shaping. */
function glyphRuns(t: TextPrimitive, text: string): GlyphRun[] {
  const table = tabledFace(t.font);
  const runs = scriptRuns(text);
  let shaped: ReturnType<typeof shapeText> | undefined;
  return runs.map((run, i) => {
    const tabled = table && tabledGlyphs(table, run);
    if (tabled) {
      const glyphs = tabled.glyphs.map((id, g) => ({ id, codePoints: tabled.codePoints[g]!, xAdvance: tabled.advances[g]!, xOffset: 0, yOffset: 0 }));
      return { glyphs, advanceWidth: tabled.advanceWidth };
    }
    shaped ??= shapeText(openFont(t.font), text);
    const { glyphs, positions, advanceWidth } = shaped[i]!;
    return {
      glyphs: glyphs.map((glyph, g) => ({
        id: glyph.id,
        codePoints: glyph.codePoints,
        xAdvance: positions[g]!.xAdvance,
        xOffset: positions[g]!.xOffset,
        yOffset: positions[g]!.yOffset,
      })),
      advanceWidth,
    };
  });
}

/**
 * The operators that show one run starting at `x` (text space, points): glyph codes in TJ
 * strings, the kerning between them as TJ adjustments (thousandths of an em, subtracted), a
 * glyph with an offset placed by a text matrix of its own.
 */
function showRun(run: GlyphRun, font: EmbeddedFont, size: number, x: number): string[] {
  const unit = size / font.face.unitsPerEm;
  const perMille = 1000 / font.face.unitsPerEm;
  const ops = [`1 0 0 1 ${num(x)} 0 Tm`];
  let parts: string[] = [];
  let codes = "";
  const flush = () => {
    if (codes !== "") parts.push(`<${codes}>`);
    codes = "";
    if (parts.length > 0) ops.push(`[${parts.join(" ")}] TJ`);
    parts = [];
  };
  let pen = x;
  let moved = false;
  for (const glyph of run.glyphs) {
    const code = font.code(glyph.id, glyph.codePoints);
    if (glyph.xOffset !== 0 || glyph.yOffset !== 0) {
      flush();
      ops.push(`1 0 0 1 ${num(pen + glyph.xOffset * unit)} ${num(glyph.yOffset * unit)} Tm`, `<${code}> Tj`);
      moved = true;
    } else {
      if (moved) {
        ops.push(`1 0 0 1 ${num(pen)} 0 Tm`);
        moved = false;
      }
      codes += code;
      const adjustment = num((font.advance(glyph.id) - glyph.xAdvance) * perMille);
      if (adjustment !== "0") {
        parts.push(`<${codes}>`, adjustment);
        codes = "";
      }
    }
    pen += glyph.xAdvance * unit;
  }
  flush();
  return ops;
}

/**
 * A text primitive's operators: translated to its anchor, rotated, and flipped upright (the
 * page's axes point down); each script run at the sum of the runs before it.
 */
export function textOperators(t: TextPrimitive, fonts: PdfFonts, color: string): string[] {
  const text = singleLine(t.text);
  if (text.trim() === "" || !(t.font.size > 0)) return [];
  const font = fonts.of(t.font);
  const angle = ((t.rotate ?? 0) * Math.PI) / 180;
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  // Counter-clockwise on paper is clockwise in these y-down axes; the flip turns text space y-up.
  const ops = ["q", `${num(cos)} ${num(-sin)} ${num(-sin)} ${num(-cos)} ${num(t.at[0])} ${num(t.at[1])} cm`, "BT", `/${font.resource} ${num(t.font.size)} Tf`, color];
  const unit = t.font.size / font.face.unitsPerEm;
  let x = anchorOffset(t);
  for (const run of glyphRuns(t, text)) {
    ops.push(...showRun(run, font, t.font.size, x));
    x += run.advanceWidth * unit;
  }
  ops.push("ET", "Q");
  return ops;
}
