import * as fontkit from "fontkit";
import type { FontSpec } from "../scene/types.js";
import { fontFile } from "./fonts.js";
import { shapedAdvance } from "./shaping.js";

const opened = new Map<string, fontkit.Font>();

/** The parsed font behind a spec; fonts are opened once per process. */
export function openFont(font: Pick<FontSpec, "family" | "weight" | "style">): fontkit.Font {
  const file = fontFile(font);
  let parsed = opened.get(file);
  if (!parsed) {
    parsed = fontkit.openSync(file);
    opened.set(file, parsed);
  }
  return parsed;
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
  const face = openFont(font);
  const scale = font.size / face.unitsPerEm;
  const key = `${font.family}|${font.weight}|${font.style}|${text}`;
  let units = widthCache.get(key);
  if (units === undefined) {
    // Shaped per script run, as the renderers draw it (β stays Greek in CMU Serif).
    units = shapedAdvance(face, text);
    widthCache.set(key, units);
  }
  return { width: units * scale, ascent: face.ascent * scale, descent: -face.descent * scale };
}
