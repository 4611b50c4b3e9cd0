/**
 * Text shaping split into runs of one script, as browsers (HarfBuzz with script
 * itemisation) shape it.
 *
 * Why: fontkit shapes a whole string under the script of its first letter. A label such as
 * `fc β` is then shaped as Latin, and CMU Serif's Latin `locl` feature swaps β and λ for
 * their IPA forms (a straight β with a foot serif) — not the β anyone typed. Shaping each
 * run of one script separately (spaces, digits and punctuation stay with their run) gives
 * the font's real Greek. resvg shapes like unsplit fontkit, which is why PNGs are drawn
 * from text outlines. Every consumer of glyph advances — measuring, the PDF, outlines —
 * must shape through here so they agree.
 */

import type * as fontkit from "fontkit";

/** Scripts told apart; letters of any other script form runs of their own kind. */
const SCRIPTS: [string, RegExp][] = [
  ["Latin", /\p{Script=Latin}/u],
  ["Greek", /\p{Script=Greek}/u],
  ["Cyrillic", /\p{Script=Cyrillic}/u],
  ["Han", /\p{Script=Han}/u],
  ["Arabic", /\p{Script=Arabic}/u],
  ["Hebrew", /\p{Script=Hebrew}/u],
];

/** Common (digits, punctuation, symbols, spaces) and Inherited (combining marks) characters. */
const NEUTRAL = /[\p{Script=Common}\p{Script=Inherited}]/u;

function scriptOf(char: string): string | undefined {
  if (NEUTRAL.test(char)) return undefined;
  for (const [name, pattern] of SCRIPTS) if (pattern.test(char)) return name;
  return "Other";
}

/**
 * `text` cut where the script changes. Neutral characters join the run before them (those
 * at the start join the first run), so `224×224 α` is `224×224 ` + `α`.
 */
export function scriptRuns(text: string): string[] {
  const runs: string[] = [];
  let current = "";
  let script: string | undefined;
  for (const char of text) {
    const s = scriptOf(char);
    if (s !== undefined && script !== undefined && s !== script) {
      runs.push(current);
      current = "";
    }
    if (s !== undefined) script = s;
    current += char;
  }
  if (current !== "") runs.push(current);
  return runs;
}

export interface ShapedRun {
  text: string;
  glyphs: fontkit.Glyph[];
  positions: fontkit.GlyphPosition[];
  /** Advance of the run in font units, kerning included. */
  advanceWidth: number;
}

const shaped = new WeakMap<fontkit.Font, Map<string, ShapedRun[]>>();

/**
 * Shapes `text` run by run; fontkit picks each run's script from its first letter. Each
 * text is shaped once per font: a figure repeats its labels (`conv`, `3×3`), and shaping
 * ResNet-152's thousand labels anew took half a second of its PDF and of its PNG. The
 * result is shared, so callers must not change it.
 */
export function shapeText(face: fontkit.Font, text: string): readonly ShapedRun[] {
  let cache = shaped.get(face);
  if (!cache) {
    cache = new Map();
    shaped.set(face, cache);
  }
  let runs = cache.get(text);
  if (!runs) {
    runs = scriptRuns(text).map((run) => {
      const { glyphs, positions, advanceWidth } = face.layout(run);
      return { text: run, glyphs, positions, advanceWidth };
    });
    cache.set(text, runs);
  }
  return runs;
}

/** Advance width of `text` in font units, shaped as `shapeText` does. */
export function shapedAdvance(face: fontkit.Font, text: string): number {
  return shapeText(face, text).reduce((sum, run) => sum + run.advanceWidth, 0);
}
