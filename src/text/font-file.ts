/**
 * `--font NAME|path.ttf`: a bundled font name, or a font file that every renderer can read
 * and that has glyphs for ordinary labels; and which characters a font would draw as boxes.
 */

import { existsSync, statSync } from "node:fs";
import { extname, resolve } from "node:path";
import type * as Fontkit from "fontkit";
import { fail, ok, quote, type Parsed } from "../options/print.js";
import { bundledFontNames } from "./fonts.js";
import { fontkit } from "./measure.js";

/** Font formats that every renderer reads: the PDF embeds them (render/pdf/fonts.ts) and resvg draws them (not WOFF/WOFF2). */
const FONT_EXTENSIONS = new Set([".ttf", ".otf"]);

/**
 * Validates `--font NAME|path.ttf` and returns the family to put in the scene's FontSpecs:
 * a bundled name as given, or the absolute path of a font file that fontkit can read and
 * that has glyphs for ordinary labels.
 */
export function parseFont(text: string): Parsed<string> {
  const names = bundledFontNames();
  if (names.includes(text)) return ok(text);
  const extension = extname(text).toLowerCase();
  if (!FONT_EXTENSIONS.has(extension)) {
    return fail(`--font: ${quote(text)} is neither a bundled font (${names.join(", ")}) nor a .ttf or .otf file`);
  }
  const path = resolve(text);
  if (!existsSync(path) || !statSync(path).isFile()) return fail(`--font: no font file at ${quote(path)}`);
  let face: Fontkit.Font;
  try {
    face = fontkit().openSync(path);
  } catch (error) {
    return fail(`--font: ${quote(path)} is not a readable font (${(error as Error).message})`);
  }
  // A font without Latin digits or `x` cannot write shapes like 56×56×64.
  const missing = [..."0123456789x"].filter((c) => !hasGlyph(face, c));
  if (missing.length > 0) return fail(`--font: ${quote(path)} has no glyphs for ${quote(missing.join(""))}`);
  return ok(path);
}

/** Whether the font maps this character to a real glyph (glyph 0 is `.notdef`, drawn as a box). */
function hasGlyph(face: Fontkit.Font, char: string): boolean {
  const run = face.layout(char);
  return run.glyphs.length > 0 && run.glyphs.every((g) => (g as unknown as { id: number }).id !== 0);
}

/** Characters of `text` that `face` would draw as `.notdef` boxes, for a warning before printing. */
export function missingGlyphs(face: Fontkit.Font, text: string): string[] {
  const missing = new Set<string>();
  for (const char of text) if (/\S/.test(char) && !hasGlyph(face, char)) missing.add(char);
  return [...missing];
}
