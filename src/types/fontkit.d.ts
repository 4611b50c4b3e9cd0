// The subset of fontkit's API that netfig uses (fontkit ships no type declarations).
declare module "fontkit" {
  export interface Glyph {
    id: number;
    /** The characters the glyph stands for (several for a ligature). */
    codePoints: number[];
    path: { toSVG(): string; commands: { command: string; args: number[] }[] };
    advanceWidth: number;
  }
  export interface GlyphPosition {
    xAdvance: number;
    yAdvance: number;
    xOffset: number;
    yOffset: number;
  }
  export interface GlyphRun {
    glyphs: Glyph[];
    positions: GlyphPosition[];
    advanceWidth: number;
  }
  export interface Font {
    unitsPerEm: number;
    ascent: number;
    descent: number;
    capHeight: number;
    xHeight: number;
    familyName: string;
    postscriptName: string;
    layout(text: string, features?: string[] | Record<string, boolean>): GlyphRun;
    /** The glyph with this id; `codePoints` are the characters it stands for (the first call's are kept). */
    getGlyph(id: number, codePoints?: number[]): Glyph;
    /** A subset to embed: glyph 0 first, then each glyph included, renumbered in that order. */
    createSubset(): Subset;
  }
  export interface Subset {
    includeGlyph(glyph: number | Glyph): number;
    encode(): Uint8Array;
  }
  export function openSync(path: string): Font;
  export function create(buffer: Buffer): Font;
}
