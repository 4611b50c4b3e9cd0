/**
 * A PDF of ordinary labels embeds its fonts without fontkit (src/text/truetype.ts,
 * src/render/pdf-subset.ts): every number the PDF reads of a font, and every subset, must be
 * what fontkit gives — fontkit is the reference, since a PDF whose labels need shaping is
 * still embedded through it, and both paths must write the same bytes.
 */

import { readFileSync } from "node:fs";
import { basename } from "node:path";
import type * as Fontkit from "fontkit";
import { describe, expect, it } from "vitest";
import { TrueTypeSubset } from "../../src/render/pdf-subset.js";
import { allFontFiles } from "../../src/text/fonts.js";
import { fontkit } from "../../src/text/measure.js";
import { glyphBytes, glyphComponents, glyphMetrics, readTrueType, TrueTypeError } from "../../src/text/truetype.js";

const files = [...new Set(allFontFiles())];

/** A fixed pseudo-random sequence (xorshift), so the sampled glyphs are the same every run. */
function sampler(seed: number): (n: number) => number {
  let x = seed;
  return (n) => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % n;
  };
}

interface FontkitInternals {
  "OS/2": { sFamilyClass: number };
  post: { isFixedPitch: number };
  head: { macStyle: { italic: boolean } };
  loca: { offsets: number[] };
}

function fontkitFace(file: string): Fontkit.Font & FontkitInternals {
  return fontkit().create(readFileSync(file)) as unknown as Fontkit.Font & FontkitInternals;
}

/** Glyphs that are composites (accented letters), found by fontkit's own decoding. */
function compositeGlyphs(reference: Fontkit.Font, count: number): number[] {
  const found: number[] = [];
  for (let id = 1; id < reference.numGlyphs && found.length < count; id++) {
    const decoded = (reference.getGlyph(id) as unknown as { _decode(): { numberOfContours: number } | null })._decode();
    if (decoded && decoded.numberOfContours < 0) found.push(id);
  }
  return found;
}

describe.each(files.map((file) => [basename(file), file]))("%s read from its bytes", (_, file) => {
  const face = readTrueType(readFileSync(file));
  const reference = fontkitFace(file);

  it("has fontkit's numbers for everything the PDF reads of a font", () => {
    expect({
      postscriptName: face.postscriptName,
      unitsPerEm: face.unitsPerEm,
      ascent: face.ascent,
      descent: face.descent,
      lineGap: face.lineGap,
      xHeight: face.xHeight,
      capHeight: face.capHeight,
      bbox: face.bbox,
      italicAngle: face.italicAngle,
      fixedPitch: face.isFixedPitch,
      italic: face.italic,
      familyClass: face.familyClass,
      numGlyphs: face.numGlyphs,
    }).toEqual({
      postscriptName: reference.postscriptName,
      unitsPerEm: reference.unitsPerEm,
      ascent: reference.ascent,
      descent: reference.descent,
      lineGap: reference.lineGap,
      xHeight: reference.xHeight,
      capHeight: reference.capHeight,
      bbox: { minX: reference.bbox.minX, minY: reference.bbox.minY, maxX: reference.bbox.maxX, maxY: reference.bbox.maxY },
      italicAngle: reference.italicAngle,
      fixedPitch: reference.post.isFixedPitch !== 0,
      italic: reference.head.macStyle.italic,
      familyClass: reference["OS/2"].sFamilyClass,
      numGlyphs: reference.numGlyphs,
    });
  });

  it("has fontkit's advance and left bearing for every glyph", () => {
    const mismatches: number[] = [];
    for (let id = 0; id < face.numGlyphs; id++) {
      const glyph = reference.getGlyph(id) as unknown as { advanceWidth: number; _getMetrics(): { leftBearing: number } };
      const own = glyphMetrics(face, id);
      if (own.advance !== glyph.advanceWidth || own.bearing !== glyph._getMetrics().leftBearing) mismatches.push(id);
    }
    expect(mismatches).toEqual([]);
  });

  it("builds fontkit's subset byte for byte: labels, sampled glyphs and composite glyphs with their components", () => {
    const next = sampler(face.numGlyphs + 7);
    const composites = compositeGlyphs(reference, 12);
    const label = [...reference.layout("conv1 3×3/2 → 56×56×64 fc 1000").glyphs].map((g) => g.id);
    const sets = [[], label, Array.from({ length: 60 }, () => next(face.numGlyphs)), [...composites, ...label]];
    for (const glyphs of sets) {
      const own = new TrueTypeSubset(face);
      const theirs = (reference as unknown as { createSubset(): { includeGlyph(id: number): number; encode(): Uint8Array } }).createSubset();
      // The ids handed back are what the PDF's text writes: they must agree as the glyphs arrive.
      expect(glyphs.map((id) => own.includeGlyph(id))).toEqual(glyphs.map((id) => theirs.includeGlyph(id)));
      expect(Buffer.from(own.encode()).equals(Buffer.from(theirs.encode()))).toBe(true);
    }
  });

  it("finds a composite glyph's components where fontkit finds them", () => {
    for (const id of compositeGlyphs(reference, 20)) {
      const decoded = (reference.getGlyph(id) as unknown as { _decode(): { components: { glyphID: number; pos: number }[] } })._decode();
      expect(glyphComponents(glyphBytes(face, id))).toEqual(decoded.components.map((c) => ({ glyph: c.glyphID, at: c.pos })));
    }
  });
});

describe("a file that is not a usable TrueType font", () => {
  it("is refused with what is wrong, not read past its end", () => {
    const dejavu = readFileSync(files[0]!);
    expect(() => readTrueType(new Uint8Array(20))).toThrow(TrueTypeError);
    expect(() => readTrueType(dejavu.subarray(0, 4000))).toThrow(/runs past the end of the file/);
    const face = readTrueType(dejavu);
    expect(() => glyphBytes(face, face.numGlyphs)).toThrow(/not in the font/);
  });
});
