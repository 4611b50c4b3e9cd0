import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import type { FontSpec } from "../geometry/types.js";

const require = createRequire(import.meta.url);

function packageDir(name: string): string {
  return dirname(require.resolve(`${name}/package.json`));
}

/** The TTF files of one family, by weight and style. */
export interface FontFamilyFiles {
  normal: string;
  bold: string;
  italic: string;
  boldItalic: string;
}

/**
 * Bundled families. `sans` (DejaVu Sans, Bitstream Vera licence) is the default;
 * `serif` (CMU Serif, OFL) matches LaTeX's Computer Modern. Both are TTF because
 * the PDF writer embeds TrueType subsets from the files' own bytes (render/pdf/fonts.ts).
 */
function bundledFamilies(): Record<string, FontFamilyFiles> {
  const dejavu = join(packageDir("dejavu-fonts-ttf"), "ttf");
  const cmu = join(packageDir("computer-modern"), "fonts");
  return {
    sans: {
      normal: join(dejavu, "DejaVuSans.ttf"),
      bold: join(dejavu, "DejaVuSans-Bold.ttf"),
      italic: join(dejavu, "DejaVuSans-Oblique.ttf"),
      boldItalic: join(dejavu, "DejaVuSans-BoldOblique.ttf"),
    },
    serif: {
      normal: join(cmu, "cmu-serif-500-roman.ttf"),
      bold: join(cmu, "cmu-serif-700-roman.ttf"),
      italic: join(cmu, "cmu-serif-500-italic.ttf"),
      boldItalic: join(cmu, "cmu-serif-700-italic.ttf"),
    },
    mono: {
      normal: join(dejavu, "DejaVuSansMono.ttf"),
      bold: join(dejavu, "DejaVuSansMono-Bold.ttf"),
      italic: join(dejavu, "DejaVuSansMono-Oblique.ttf"),
      boldItalic: join(dejavu, "DejaVuSansMono-BoldOblique.ttf"),
    },
  };
}

let families: Record<string, FontFamilyFiles> | undefined;

/** Names accepted by `--font`: the bundled families, or a path to a `.ttf` file. */
export function bundledFontNames(): string[] {
  families ??= bundledFamilies();
  return Object.keys(families);
}

/**
 * The TTF file that draws `font`. A family that is a path to a font file uses that
 * file for every weight and style.
 */
export function fontFile(font: Pick<FontSpec, "family" | "weight" | "style">): string {
  families ??= bundledFamilies();
  const files = families[font.family];
  if (!files) {
    const path = resolve(font.family);
    if (/\.(ttf|otf|woff)$/i.test(font.family) && existsSync(path)) return path;
    throw new Error(`unknown font "${font.family}": use ${bundledFontNames().join(", ")} or a path to a .ttf file`);
  }
  if (font.weight === "bold") return font.style === "italic" ? files.boldItalic : files.bold;
  return font.style === "italic" ? files.italic : files.normal;
}

/** Every font file a scene may reference, for renderers that must be given them up front (resvg). */
export function allFontFiles(): string[] {
  families ??= bundledFamilies();
  return Object.values(families).flatMap((f) => [f.normal, f.bold, f.italic, f.boldItalic]);
}
