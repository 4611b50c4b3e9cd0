/**
 * The fonts a PDF embeds: one Type 0 font per font file (Identity-H, two-byte glyph codes),
 * its glyphs the subset's own ids, with their widths, a descriptor with the numbers a reader
 * and a journal's checker look at (flags as pdfkit computed them), the subset itself, and a
 * ToUnicode map so the text copies and searches.
 *
 * A TrueType file is read and subset from its own bytes (text/truetype.ts, pdf-subset.ts):
 * no fontkit. A file of CFF outlines (a user's `.otf`) is subset by fontkit, loaded then.
 */

import { readFileSync } from "node:fs";
import { deflateSync } from "node:zlib";
import type { FontSpec } from "../../geometry/types.js";
import { fontFile } from "../../text/fonts.js";
import { openFont } from "../../text/measure.js";
import { glyphMetrics, readFontFace, type TrueTypeFace } from "../../text/truetype.js";
import { TrueTypeSubset } from "../pdf-subset.js";
import type { PdfDocument } from "./document.js";
import { md5 } from "./md5.js";
import { hex4, name, num } from "./syntax.js";

/** What a subset offers: fontkit's Subset and TrueTypeSubset alike. */
type GlyphSubset = Pick<TrueTypeSubset, "includeGlyph" | "encode">;

/** ToUnicode's bfchar blocks hold at most 100 entries each. */
const CMAP_BLOCK = 100;

export class EmbeddedFont {
  /** Each subset glyph's advance in font units, and the code points it stands for. */
  private readonly widths: number[] = [];
  private readonly unicode: (readonly number[])[] = [];

  constructor(
    /** The font's name in the page's resources (F1, F2, … in order of first use). */
    readonly resource: string,
    readonly face: TrueTypeFace,
    private readonly subset: GlyphSubset,
  ) {
    this.widths[0] = glyphMetrics(face, 0).advance;
  }

  /** The glyph's advance in font units (hmtx's, what the PDF's /W says). */
  advance(glyph: number): number {
    return glyphMetrics(this.face, glyph).advance;
  }

  /** The code to show `glyph` with: its subset id in hex; the first code points seen for it go into ToUnicode. */
  code(glyph: number, codePoints: readonly number[]): string {
    const id = this.subset.includeGlyph(glyph);
    if (this.widths[id] === undefined) this.widths[id] = this.advance(glyph);
    if (this.unicode[id] === undefined) this.unicode[id] = codePoints;
    return hex4(id);
  }

  /** Writes the font's objects (Type 0, CID font, descriptor, font file, ToUnicode, in that order); returns the Type 0 font's number. */
  embed(doc: PdfDocument): number {
    const { face } = this;
    const type0 = doc.reserve();
    const cidFont = doc.reserve();
    const descriptor = doc.reserve();
    const fontFileRef = doc.reserve();
    const toUnicode = doc.reserve();
    const bytes = this.subset.encode();
    const scale = 1000 / face.unitsPerEm;
    const baseFont = name(`${this.tag()}+${face.postscriptName.replaceAll(" ", "_")}`);

    doc.define(
      type0,
      `<< /Type /Font /Subtype /Type0 /BaseFont ${baseFont} /Encoding /Identity-H /DescendantFonts [${cidFont} 0 R] /ToUnicode ${toUnicode} 0 R >>`,
    );
    const widths = this.widths.map((w) => num((w ?? 0) * scale)).join(" ");
    doc.define(
      cidFont,
      `<< /Type /Font /Subtype /${face.cff ? "CIDFontType0" : "CIDFontType2"} /BaseFont ${baseFont} ` +
        `/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor ${descriptor} 0 R ` +
        `/W [0 [${widths}]]${face.cff ? "" : " /CIDToGIDMap /Identity"} >>`,
    );
    const { bbox } = face;
    doc.define(
      descriptor,
      `<< /Type /FontDescriptor /FontName ${baseFont} /Flags ${this.flags()} ` +
        `/FontBBox [${[bbox.minX, bbox.minY, bbox.maxX, bbox.maxY].map((v) => num(v * scale)).join(" ")}] ` +
        `/ItalicAngle ${num(face.italicAngle)} /Ascent ${num(face.ascent * scale)} /Descent ${num(face.descent * scale)} ` +
        `/CapHeight ${num((face.capHeight || face.ascent) * scale)} /XHeight ${num((face.xHeight || 0) * scale)} /StemV 0 ` +
        `/${face.cff ? "FontFile3" : "FontFile2"} ${fontFileRef} 0 R >>`,
    );
    doc.defineStream(
      fontFileRef,
      face.cff ? "/Subtype /CIDFontType0C /Filter /FlateDecode" : `/Length1 ${bytes.length} /Filter /FlateDecode`,
      deflateSync(bytes),
    );
    doc.defineStream(toUnicode, "/Filter /FlateDecode", deflateSync(Buffer.from(this.toUnicodeCmap(), "latin1")));
    return type0;
  }

  /**
   * The descriptor's flags as pdfkit set them: fixed pitch; serif for OS/2 family classes
   * 1–7; always symbolic (the glyphs are not in the standard Latin set's order); script for
   * class 10; italic from head.macStyle.
   */
  private flags(): number {
    const familyClass = this.face.familyClass >> 8;
    let flags = 1 << 2;
    if (this.face.isFixedPitch) flags |= 1 << 0;
    if (familyClass >= 1 && familyClass <= 7) flags |= 1 << 1;
    if (familyClass === 10) flags |= 1 << 3;
    if (this.face.italic) flags |= 1 << 6;
    return flags;
  }

  /** The subset's six-letter tag, from the font and the glyphs it holds: another subset of the font gets another tag. */
  private tag(): string {
    const digest = md5(Buffer.from(`${this.face.postscriptName}\0${this.widths.join(",")}\0${JSON.stringify(this.unicode)}`, "utf8"));
    return [...digest.subarray(0, 6)].map((b) => String.fromCharCode(65 + (b % 26))).join("");
  }

  private toUnicodeCmap(): string {
    const entries: string[] = [];
    this.unicode.forEach((codePoints, id) => {
      const units = utf16(codePoints ?? []);
      if (id > 0 && units !== "") entries.push(`<${hex4(id)}> <${units}>`);
    });
    const blocks: string[] = [];
    for (let i = 0; i < entries.length; i += CMAP_BLOCK) {
      const block = entries.slice(i, i + CMAP_BLOCK);
      blocks.push(`${block.length} beginbfchar\n${block.join("\n")}\nendbfchar`);
    }
    return [
      "/CIDInit /ProcSet findresource begin",
      "12 dict begin",
      "begincmap",
      "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
      "/CMapName /Adobe-Identity-UCS def",
      "/CMapType 2 def",
      "1 begincodespacerange",
      "<0000> <FFFF>",
      "endcodespacerange",
      ...blocks,
      "endcmap",
      "CMapName currentdict /CMap defineresource pop",
      "end",
      "end",
    ].join("\n");
  }
}

/** Code points as UTF-16BE hex; anything that is not a Unicode scalar value is left out. */
function utf16(codePoints: readonly number[]): string {
  let out = "";
  for (const c of codePoints) {
    if (!Number.isInteger(c) || c < 0 || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff)) continue;
    if (c > 0xffff) out += hex4(0xd800 + ((c - 0x10000) >> 10)) + hex4(0xdc00 + ((c - 0x10000) & 0x3ff));
    else out += hex4(c);
  }
  return out;
}

/** Font files read once per process: a figure's fonts are the same few files every time. */
const faces = new Map<string, TrueTypeFace>();

function faceOf(file: string): TrueTypeFace {
  let face = faces.get(file);
  if (!face) {
    face = readFontFace(readFileSync(file));
    faces.set(file, face);
  }
  return face;
}

/** The scene's fonts, one per file, named and embedded in order of first use. */
export class PdfFonts {
  private readonly byFile = new Map<string, EmbeddedFont>();

  of(font: FontSpec): EmbeddedFont {
    const file = fontFile(font);
    let embedded = this.byFile.get(file);
    if (!embedded) {
      const face = faceOf(file);
      // fontkit subsets CFF outlines; its subset takes glyph ids as TrueTypeSubset does.
      const subset: GlyphSubset = face.cff ? (openFont(font).createSubset()) : new TrueTypeSubset(face);
      embedded = new EmbeddedFont(`F${this.byFile.size + 1}`, face, subset);
      this.byFile.set(file, embedded);
    }
    return embedded;
  }

  get all(): EmbeddedFont[] {
    return [...this.byFile.values()];
  }
}
