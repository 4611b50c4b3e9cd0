/**
 * The bundled fonts for the preview page: the SVG names its fonts by family (`DejaVu Sans`,
 * `CMU Serif`), which a browser may not have; served with @font-face rules, the page draws
 * the text with the very files it was measured with.
 */

import { basename } from "node:path";
import { bundledFontNames, fontFile } from "../text/fonts.js";
import { tabledFace } from "../text/measure.js";

export interface ServedFont {
  /** The URL path under which the page loads it. */
  path: string;
  file: string;
  family: string;
  weight: "normal" | "bold";
  style: "normal" | "italic";
}

export function servedFonts(): ServedFont[] {
  const fonts: ServedFont[] = [];
  for (const name of bundledFontNames()) {
    for (const weight of ["normal", "bold"] as const) {
      for (const style of ["normal", "italic"] as const) {
        const spec = { family: name, weight, style };
        const family = tabledFace(spec)?.familyName;
        if (family === undefined) continue;
        const file = fontFile(spec);
        fonts.push({ path: `/fonts/${basename(file)}`, file, family, weight, style });
      }
    }
  }
  return fonts;
}

/** The @font-face rules for the fonts, as CSS. */
export function fontFaces(fonts: readonly ServedFont[]): string {
  return fonts.map((f) => `@font-face { font-family: "${f.family}"; src: url("${f.path}") format("truetype"); font-weight: ${f.weight}; font-style: ${f.style}; }`).join("\n");
}
