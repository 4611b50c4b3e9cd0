/**
 * The font object pdfkit embeds. pdfkit takes a parsed font as well as a file, so it is
 * given the very object that measured the labels (each file is read and parsed once), seen
 * through a wrapper that spares it the two costly parts of fontkit it would otherwise run:
 * - `layout` gives a run the metrics table covers its glyphs from the table
 *   (text/measure.ts: `tabledGlyphs`, what fontkit's shaping gives it) instead of shaping
 *   it, which parses the font's GSUB and GPOS tables;
 * - `post` is the post table's fixed header, which is all pdfkit reads of it (isFixedPitch,
 *   italicAngle); fontkit decodes the whole table, every glyph's name, 0.07–0.2 s a file.
 * Other text is shaped by fontkit, and everything else is the font's own.
 */

import type * as Fontkit from "fontkit";
import { tabledGlyphs } from "../text/measure.js";
import type { FaceMetrics } from "../text/metrics-data.js";

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

const pdfFonts = new WeakMap<Fontkit.Font, Fontkit.Font>();

export function pdfFont(face: Fontkit.Font, table: FaceMetrics | undefined): Fontkit.Font {
  let font = pdfFonts.get(face);
  if (!font) {
    font = Object.create(face) as Fontkit.Font;
    Object.defineProperty(font, "post", { value: postHeader(face) });
    font.layout = (text: string, features?: string[] | Record<string, boolean>) => {
      const tabled = table && tabledGlyphs(table, text);
      if (!tabled) return face.layout(text, features);
      // Fresh objects every call: pdfkit scales the positions it is given in place.
      const glyphs = tabled.glyphs.map((id, i) => face.getGlyph(id, tabled.codePoints[i]));
      const positions = tabled.advances.map((xAdvance) => ({ xAdvance, yAdvance: 0, xOffset: 0, yOffset: 0 }));
      return { glyphs, positions, advanceWidth: tabled.advanceWidth } as unknown as Fontkit.GlyphRun;
    };
    pdfFonts.set(face, font);
  }
  return font;
}
