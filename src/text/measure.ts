import { createRequire } from "node:module";
import { basename } from "node:path";
import type * as Fontkit from "fontkit";
import type { FontSpec } from "../geometry/types.js";
import { fontFile } from "./fonts.js";
import { FACES, PAIR, type ContextMetrics, type FaceMetrics } from "./metrics-data.js";
import { shapedAdvance } from "./shaping.js";

const require = createRequire(import.meta.url);
let fontkitModule: typeof Fontkit | undefined;

/**
 * fontkit, loaded on first use: loading it and parsing a font's layout tables cost 0.4 s,
 * which an SVG of ordinary labels never needs (see `tabledUnits`). The CommonJS build is
 * the one loaded for the PDF's shaped text too (render/pdf/text.ts), so one build is loaded.
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

/** A context's tokens by text, its ligatures longest first, and its unsafe pairs, built once. */
interface Lookup {
  index: Map<string, number>;
  ligatures: string[];
  unsafe: Set<string>;
}
const lookups = new Map<ContextMetrics, Lookup>();
function lookupOf(context: ContextMetrics): Lookup {
  let lookup = lookups.get(context);
  if (!lookup) {
    lookup = {
      index: new Map(context.tokens.map((t, i) => [t, i])),
      ligatures: context.tokens.filter((t) => t.length > 1).sort((a, b) => b.length - a.length),
      unsafe: new Set(context.unsafe),
    };
    lookups.set(context, lookup);
  }
  return lookup;
}

/** Text laid out from the precomputed table: its tokens' indices and the advance after each, in font units. */
interface TabledLayout {
  context: ContextMetrics;
  tokens: number[];
  /** Each token's advance with the kerning towards the next token. */
  advances: number[];
}

function tabledLayout(face: FaceMetrics, text: string): TabledLayout | undefined {
  // fontkit shapes a run as Latin when it has a Latin letter, else under no script.
  const context = LATIN_LETTER.test(text) ? face.latin : face.common;
  const { index, ligatures, unsafe } = lookupOf(context);
  const tokens: number[] = [];
  const advances: number[] = [];
  let previous: string | undefined;
  for (let at = 0; at < text.length; ) {
    const token = ligatures.find((l) => text.startsWith(l, at)) ?? text[at]!;
    const i = index.get(token);
    if (i === undefined) return undefined;
    if (previous !== undefined) {
      const pair = previous + PAIR + token;
      if (unsafe.has(pair)) return undefined;
      advances[advances.length - 1]! += context.kern[pair] ?? 0;
    }
    tokens.push(i);
    advances.push(context.advances[i]!);
    previous = token;
    at += token.length;
  }
  return { context, tokens, advances };
}

/**
 * The shaped advance of `text` in font units from the precomputed table: advances of its
 * characters and ligatures (taken longest first, as the fonts' ligature lookups do) plus
 * pair kerning — what fontkit's shaping gives for printable ASCII and \`×\` (the table was
 * made by it, and tests/render/metrics.test.ts holds it to that). Undefined for anything
 * else, which fontkit then shapes.
 */
export function tabledUnits(face: FaceMetrics, text: string): number | undefined {
  return tabledLayout(face, text)?.advances.reduce((sum, advance) => sum + advance, 0);
}

/** One run of text as glyphs from the precomputed table: what fontkit's shaping gives it, in font units. */
export interface TabledGlyphs {
  glyphs: number[];
  codePoints: number[][];
  /** Each glyph's advance, kerning included (fontkit's `xAdvance`; offsets are all zero). */
  advances: number[];
  advanceWidth: number;
}

/**
 * The glyphs fontkit's shaping gives `text` (one script run), from the table, so a PDF sets
 * ordinary labels without parsing the fonts' layout tables; undefined where the table does
 * not cover the text or a token is more than one plainly advanced glyph.
 */
export function tabledGlyphs(face: FaceMetrics, text: string): TabledGlyphs | undefined {
  const laid = tabledLayout(face, text);
  if (!laid) return undefined;
  const glyphs = laid.tokens.map((i) => laid.context.glyphs[i]!);
  if (glyphs.some((glyph) => glyph < 0)) return undefined;
  const codePoints = laid.tokens.map((i) => [...laid.context.tokens[i]!].map((c) => c.codePointAt(0)!));
  return { glyphs, codePoints, advances: laid.advances, advanceWidth: laid.advances.reduce((sum, advance) => sum + advance, 0) };
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
