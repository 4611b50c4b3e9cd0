/**
 * The font objects pdfkit embeds. pdfkit takes a parsed font as well as a file, and uses only
 * a few of its properties, `layout` and `createSubset`; so it is given one of two objects:
 * - `tabledPdfFont`, for a font file all of whose text in the figure the metrics table sets
 *   (text/measure.ts: `tabledGlyphs`, what fontkit's shaping gives it): the face's numbers
 *   read from the file's bytes (text/truetype.ts) and a subset built as fontkit builds it
 *   (pdf-subset.ts), so fontkit is never loaded — it was most of a small PDF's time;
 * - `shapingPdfFont`, for any other text: the very fontkit object that measured the labels,
 *   seen through a wrapper that sets tabled runs from the table too (no GSUB/GPOS parsing)
 *   and gives pdfkit the post table's fixed header, all it reads of it (fontkit decodes every
 *   glyph name, 0.07–0.2 s a file).
 * Both give the same PDF bytes (tests/render/pdf-font.test.ts).
 */

import type * as Fontkit from "fontkit";
import { tabledGlyphs } from "../text/measure.js";
import type { FaceMetrics } from "../text/metrics-data.js";
import { glyphMetrics, type TrueTypeFace } from "../text/truetype.js";
import { TrueTypeSubset } from "./pdf-subset.js";

/** What fontkit keeps of a font file's bytes and table directory (not in its typings). */
interface FontFile {
  stream: { buffer: Uint8Array };
  directory: { tables: Record<string, { offset: number; length: number } | undefined> };
  post: PostHeader;
}

interface PostHeader {
  italicAngle: number;
  isFixedPitch: number;
}

/** The post table's header: version, italicAngle (16.16 fixed), underline position and thickness, isFixedPitch. */
function postHeader(face: Fontkit.Font): PostHeader {
  const file = face as unknown as FontFile;
  const entry = file.directory.tables.post;
  if (!entry || entry.length < 16) return file.post;
  const bytes = file.stream.buffer;
  const view = new DataView(bytes.buffer, bytes.byteOffset + entry.offset, 16);
  return { italicAngle: view.getInt32(4) / 65536, isFixedPitch: view.getUint32(12) };
}

interface PdfGlyph {
  id: number;
  codePoints: number[];
  advanceWidth: number;
}

/** A tabled run as pdfkit takes a layout: fresh objects every call, since pdfkit scales the positions in place. */
function tabledRun(glyphs: PdfGlyph[], advances: number[], advanceWidth: number) {
  const positions = advances.map((xAdvance) => ({ xAdvance, yAdvance: 0, xOffset: 0, yOffset: 0 }));
  return { glyphs, positions, advanceWidth };
}

const shapingFonts = new WeakMap<Fontkit.Font, Fontkit.Font>();

export function shapingPdfFont(face: Fontkit.Font, table: FaceMetrics | undefined): Fontkit.Font {
  let font = shapingFonts.get(face);
  if (!font) {
    font = Object.create(face) as Fontkit.Font;
    Object.defineProperty(font, "post", { value: postHeader(face) });
    font.layout = (text: string, features?: string[] | Record<string, boolean>) => {
      const tabled = table && tabledGlyphs(table, text);
      if (!tabled) return face.layout(text, features);
      const glyphs = tabled.glyphs.map((id, i) => face.getGlyph(id, tabled.codePoints[i]));
      return tabledRun(glyphs as unknown as PdfGlyph[], tabled.advances, tabled.advanceWidth) as unknown as Fontkit.GlyphRun;
    };
    shapingFonts.set(face, font);
  }
  return font;
}

/** The properties of a fontkit font that pdfkit's EmbeddedFont reads, from the file's own tables. */
export function tabledPdfFont(face: TrueTypeFace, table: FaceMetrics): object {
  const glyph = (id: number, codePoints: number[]): PdfGlyph => ({ id, codePoints, advanceWidth: glyphMetrics(face, id).advance });
  return {
    postscriptName: face.postscriptName,
    unitsPerEm: face.unitsPerEm,
    ascent: face.ascent,
    descent: face.descent,
    lineGap: face.lineGap,
    xHeight: face.xHeight,
    capHeight: face.capHeight,
    bbox: face.bbox,
    italicAngle: face.italicAngle,
    post: { isFixedPitch: face.isFixedPitch ? 1 : 0, italicAngle: face.italicAngle },
    head: { macStyle: { italic: face.italic }, checkSumAdjustment: face.checkSumAdjustment },
    "OS/2": { sFamilyClass: face.familyClass },
    // What pdfkit compares to tell two fonts of one name apart.
    _tables: { head: { checkSumAdjustment: face.checkSumAdjustment } },
    getGlyph: (id: number) => glyph(id, []),
    createSubset: () => new TrueTypeSubset(face),
    layout(text: string) {
      const tabled = tabledGlyphs(table, text);
      if (!tabled) throw new Error(`tabledPdfFont: ${JSON.stringify(text)} is not in the metrics table`);
      return tabledRun(
        tabled.glyphs.map((id, i) => glyph(id, tabled.codePoints[i]!)),
        tabled.advances,
        tabled.advanceWidth,
      );
    },
  };
}
