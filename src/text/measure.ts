import { createRequire } from "node:module";
import { basename } from "node:path";
import type * as Fontkit from "fontkit";
import type { FontSpec } from "../scene/types.js";
import { fontFile } from "./fonts.js";
import { CHARS, FACES, type ContextMetrics, type FaceMetrics } from "./metrics-data.js";
import { shapedAdvance } from "./shaping.js";

const require = createRequire(import.meta.url);
let fontkitModule: typeof Fontkit | undefined;

/**
 * fontkit, loaded on first use: loading it and parsing a font's layout tables cost 0.4 s,
 * which an SVG of ordinary labels never needs (see `tabledUnits`). The CommonJS build is
 * the one pdfkit loads too, so both share it.
 */
export function fontkit(): typeof Fontkit {
  fontkitModule ??= require("fontkit") as typeof Fontkit;
  return fontkitModule;
}

const opened = new Map<string, Fontkit.Font>();

/** The parsed font behind a spec; fonts are opened once per process. */
export function openFont(font: Pick<FontSpec, "family" | "weight" | "style">): Fontkit.Font {
  const file = fontFile(font);
  let parsed = opened.get(file);
  if (!parsed) {
    parsed = fontkit().openSync(file);
    opened.set(file, parsed);
  }
  return parsed;
}

/** The precomputed metrics of a bundled font file (scripts/font-metrics.mjs), if it is one. */
export function tabledFace(font: Pick<FontSpec, "family" | "weight" | "style">): FaceMetrics | undefined {
  return FACES[basename(fontFile(font))];
}

const LATIN_LETTER = /[A-Za-z]/;

const unsafeSets = new Map<ContextMetrics, Set<string>>();
function unsafePairs(context: ContextMetrics): Set<string> {
  let set = unsafeSets.get(context);
  if (!set) {
    set = new Set(context.unsafe.split("\u0000"));
    unsafeSets.set(context, set);
  }
  return set;
}

/**
 * The shaped advance of `text` in font units from the precomputed table: advances plus
 * pair kerning, exactly what fontkit's shaping gives for text of printable ASCII and `×`
 * (the table was made by it, and tests/render/metrics.test.ts holds it to that). Undefined
 * for anything else — another character, a ligature pair — which fontkit then shapes.
 */
export function tabledUnits(face: FaceMetrics, text: string): number | undefined {
  // fontkit shapes a run as Latin when it has a Latin letter, else under no script.
  const latin = LATIN_LETTER.test(text);
  const context: ContextMetrics = latin ? face.latin : face.common;
  const chars = latin ? CHARS : face.common.chars;
  let units = 0;
  let previous = "";
  for (const char of text) {
    const i = chars.indexOf(char);
    if (i < 0) return undefined;
    units += context.advances[i]!;
    if (previous !== "") {
      const pair = previous + char;
      if (unsafePairs(context).has(pair)) return undefined;
      units += context.kern[pair] ?? 0;
    }
    previous = char;
  }
  return units;
}

export interface TextMetrics {
  /** Advance width with kerning, in points. */
  width: number;
  /** Distance from the baseline up to the top of the tallest glyphs, in points. */
  ascent: number;
  /** Distance from the baseline down to the bottom of descenders, positive, in points. */
  descent: number;
}

const widthCache = new Map<string, number>();

/** Measures one line of text with the same font file the renderers embed. */
export function measureText(text: string, font: FontSpec): TextMetrics {
  const tabled = tabledFace(font);
  const face = tabled ?? openFont(font);
  const scale = font.size / face.unitsPerEm;
  const key = `${font.family}|${font.weight}|${font.style}|${text}`;
  let units = widthCache.get(key);
  if (units === undefined) {
    // Shaped per script run, as the renderers draw it (β stays Greek in CMU Serif).
    units = (tabled && tabledUnits(tabled, text)) ?? shapedAdvance(openFont(font), text);
    widthCache.set(key, units);
  }
  return { width: units * scale, ascent: face.ascent * scale, descent: -face.descent * scale };
}
