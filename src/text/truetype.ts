/**
 * A TrueType file read directly from its bytes, for what a PDF needs of a font
 * (render/pdf/fonts.ts): the face's numbers, each glyph's advance, left bearing and outline
 * bytes, and the tables a PDF's embedded subset carries over unchanged. An OpenType file of
 * CFF outlines (`OTTO`) gives its numbers and advances too (`readFontFace`); its outlines are
 * fontkit's to subset.
 * Reading these few fixed-layout tables takes microseconds; fontkit takes tens of
 * milliseconds to load before it parses anything. tests/render/truetype.test.ts holds every
 * number, and the subsets built from them, to fontkit's for every bundled font file.
 */

export interface TrueTypeFace {
  bytes: Uint8Array;
  /** Whether the outlines are CFF (`OTTO`) rather than TrueType's glyf table. */
  cff: boolean;
  postscriptName: string;
  unitsPerEm: number;
  /** hhea's ascender, descender and line gap, as fontkit's `ascent`, `descent`, `lineGap`. */
  ascent: number;
  descent: number;
  lineGap: number;
  /**
   * OS/2's sxHeight and sCapHeight, as fontkit gives them: without an OS/2 table 0 and the
   * ascent; with one older than version 2, which has neither, undefined.
   */
  xHeight: number | undefined;
  capHeight: number | undefined;
  bbox: { minX: number; minY: number; maxX: number; maxY: number };
  italicAngle: number;
  isFixedPitch: boolean;
  italic: boolean;
  familyClass: number;
  checkSumAdjustment: number;
  /** head.indexToLocFormat: 0 for 16-bit glyph offsets (halved), 1 for 32-bit. */
  locaFormat: 0 | 1;
  numGlyphs: number;
  /** hmtx, and hhea's count of its full (advance and bearing) metrics: read for every glyph a figure sets. */
  hmtx: DataView;
  hMetrics: number;
  /** Table bytes by tag. */
  tables: Map<string, Uint8Array>;
}

export class TrueTypeError extends Error {}

function table(tables: Map<string, Uint8Array>, tag: string, minimum: number): DataView {
  const bytes = tables.get(tag);
  if (!bytes || bytes.length < minimum) throw new TrueTypeError(`the font has no ${tag} table of ${minimum} bytes`);
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** The name table's record `nameId` (Windows Unicode, else Macintosh Roman), as fontkit's English name. */
function nameRecord(tables: Map<string, Uint8Array>, nameId: number): string | undefined {
  const name = table(tables, "name", 6);
  const count = name.getUint16(2);
  const strings = name.getUint16(4);
  let mac: string | undefined;
  for (let i = 0; i < count; i++) {
    const at = 6 + i * 12;
    if (at + 12 > name.byteLength) break;
    const [platform, encoding, language, id, length, offset] = [0, 2, 4, 6, 8, 10].map((o) => name.getUint16(at + o)) as [number, number, number, number, number, number];
    if (id !== nameId || strings + offset + length > name.byteLength) continue;
    if (platform === 3 && (encoding === 1 || encoding === 0) && language === 0x409) {
      let text = "";
      for (let c = 0; c + 1 < length; c += 2) text += String.fromCharCode(name.getUint16(strings + offset + c));
      return text;
    }
    if (platform === 1 && encoding === 0 && language === 0 && mac === undefined) {
      mac = String.fromCharCode(...new Uint8Array(name.buffer, name.byteOffset + strings + offset, length));
    }
  }
  return mac;
}

/** A TrueType file: its numbers and the tables its glyphs are read from. */
export function readTrueType(bytes: Uint8Array): TrueTypeFace {
  const face = readFontFace(bytes);
  if (face.cff) throw new TrueTypeError("not a TrueType font (CFF outlines)");
  return face;
}

const TRUETYPE = 0x00010000;
const OPENTYPE_CFF = 0x4f54544f; // "OTTO"

/** A TrueType or OpenType-CFF file's numbers and tables (no glyf or loca needed for CFF). */
export function readFontFace(bytes: Uint8Array): TrueTypeFace {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const signature = bytes.length < 12 ? 0 : view.getUint32(0);
  if (signature !== TRUETYPE && signature !== OPENTYPE_CFF) throw new TrueTypeError("not a TrueType or OpenType font (no 0x00010000 or OTTO signature)");
  const cff = signature === OPENTYPE_CFF;
  const tables = new Map<string, Uint8Array>();
  const count = view.getUint16(4);
  for (let i = 0; i < count; i++) {
    const at = 12 + i * 16;
    if (at + 16 > bytes.length) throw new TrueTypeError("the table directory runs past the end of the file");
    const tag = String.fromCharCode(bytes[at]!, bytes[at + 1]!, bytes[at + 2]!, bytes[at + 3]!);
    const offset = view.getUint32(at + 8);
    const length = view.getUint32(at + 12);
    if (offset + length > bytes.length) throw new TrueTypeError(`the ${tag} table runs past the end of the file`);
    tables.set(tag, bytes.subarray(offset, offset + length));
  }
  const head = table(tables, "head", 54);
  const hhea = table(tables, "hhea", 36);
  const maxp = table(tables, "maxp", 6);
  const post = table(tables, "post", 16);
  const os2 = tables.has("OS/2") ? table(tables, "OS/2", 78) : undefined;
  const hmtx = table(tables, "hmtx", 4);
  if (!cff) {
    table(tables, "loca", 2);
    table(tables, "glyf", 0);
  }
  const ascent = hhea.getInt16(4);
  const hasHeights = os2 !== undefined && os2.getUint16(0) >= 2 && os2.byteLength >= 90;
  return {
    bytes,
    cff,
    postscriptName: nameRecord(tables, 6) ?? "",
    unitsPerEm: head.getUint16(18),
    ascent,
    descent: hhea.getInt16(6),
    lineGap: hhea.getInt16(8),
    xHeight: os2 === undefined ? 0 : hasHeights ? os2.getInt16(86) : undefined,
    capHeight: os2 === undefined ? ascent : hasHeights ? os2.getInt16(88) : undefined,
    bbox: { minX: head.getInt16(36), minY: head.getInt16(38), maxX: head.getInt16(40), maxY: head.getInt16(42) },
    italicAngle: post.getInt32(4) / 65536,
    isFixedPitch: post.getUint32(12) !== 0,
    italic: (head.getUint16(44) & 2) !== 0,
    familyClass: os2 ? os2.getInt16(30) : 0,
    checkSumAdjustment: head.getUint32(8),
    locaFormat: head.getInt16(50) === 0 ? 0 : 1,
    numGlyphs: maxp.getUint16(4),
    hmtx,
    hMetrics: hhea.getUint16(34),
    tables,
  };
}

/** hmtx's advance and left side bearing of `glyph` (glyphs past the last full metric share its advance). */
export function glyphMetrics(face: TrueTypeFace, glyph: number): { advance: number; bearing: number } {
  const { hmtx, hMetrics: metrics } = face;
  if (glyph < metrics) return { advance: hmtx.getUint16(glyph * 4), bearing: hmtx.getInt16(glyph * 4 + 2) };
  const bearingAt = metrics * 4 + (glyph - metrics) * 2;
  return {
    advance: metrics > 0 ? hmtx.getUint16((metrics - 1) * 4) : 0,
    bearing: bearingAt + 2 <= hmtx.byteLength ? hmtx.getInt16(bearingAt) : 0,
  };
}

/** The glyf bytes of `glyph` (empty for a glyph without outline). */
export function glyphBytes(face: TrueTypeFace, glyph: number): Uint8Array {
  if (!(glyph >= 0 && glyph < face.numGlyphs)) throw new TrueTypeError(`glyph ${glyph} is not in the font (${face.numGlyphs} glyphs)`);
  const loca = table(face.tables, "loca", 2);
  const [start, end] = face.locaFormat === 0 ? [loca.getUint16(glyph * 2) * 2, loca.getUint16(glyph * 2 + 2) * 2] : [loca.getUint32(glyph * 4), loca.getUint32(glyph * 4 + 4)];
  const glyf = face.tables.get("glyf")!;
  if (end < start || end > glyf.length) throw new TrueTypeError(`glyph ${glyph}'s outline runs past the glyf table`);
  return glyf.subarray(start, end);
}

const ARG_1_AND_2_ARE_WORDS = 0x0001;
const WE_HAVE_A_SCALE = 0x0008;
const MORE_COMPONENTS = 0x0020;
const WE_HAVE_AN_X_AND_Y_SCALE = 0x0040;
const WE_HAVE_A_TWO_BY_TWO = 0x0080;

/** A composite glyph's components: each one's glyph and where in the glyph's bytes its id is written. */
export function glyphComponents(outline: Uint8Array): { glyph: number; at: number }[] {
  if (outline.length < 10) return [];
  const view = new DataView(outline.buffer, outline.byteOffset, outline.byteLength);
  if (view.getInt16(0) >= 0) return [];
  const components: { glyph: number; at: number }[] = [];
  let at = 10;
  for (;;) {
    if (at + 4 > outline.length) throw new TrueTypeError("a composite glyph runs past its outline");
    const flags = view.getUint16(at);
    components.push({ glyph: view.getUint16(at + 2), at: at + 2 });
    at += 4 + (flags & ARG_1_AND_2_ARE_WORDS ? 4 : 2);
    if (flags & WE_HAVE_A_SCALE) at += 2;
    else if (flags & WE_HAVE_AN_X_AND_Y_SCALE) at += 4;
    else if (flags & WE_HAVE_A_TWO_BY_TWO) at += 8;
    if (!(flags & MORE_COMPONENTS)) return components;
  }
}
