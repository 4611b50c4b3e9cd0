/**
 * The subset of a TrueType font a PDF embeds, built as fontkit's TTFSubset builds it, byte for
 * byte (tests/render/truetype.test.ts compares them): glyph 0 first, then glyphs in the order
 * the text uses them, then the components of composite glyphs, renumbered in that order; the
 * tables a PDF reader needs — head, hhea, loca, maxp, cvt, prep, glyf, hmtx, fpgm — after a
 * directory tagged `true` with zero checksums.
 */

import { glyphBytes, glyphComponents, glyphMetrics, type TrueTypeFace } from "../text/truetype.js";

export class TrueTypeSubset {
  /** Glyph ids of the font, in subset order. */
  readonly glyphs: number[] = [];
  private readonly mapping = new Map<number, number>();

  constructor(private readonly face: TrueTypeFace) {
    this.includeGlyph(0);
  }

  /** The glyph's id in the subset (fontkit's interface: a glyph object or an id). */
  includeGlyph(glyph: number | { id: number }): number {
    const id = typeof glyph === "object" ? glyph.id : glyph;
    let subsetId = this.mapping.get(id);
    if (subsetId === undefined) {
      subsetId = this.glyphs.length;
      this.glyphs.push(id);
      this.mapping.set(id, subsetId);
    }
    return subsetId;
  }

  encode(): Uint8Array {
    const { face } = this;
    const outlines: Uint8Array[] = [];
    const offsets: number[] = [];
    const metrics: { advance: number; bearing: number }[] = [];
    let offset = 0;
    // Components found on the way join the end of the list, as fontkit's loop does.
    for (let i = 0; i < this.glyphs.length; i++) {
      let outline = glyphBytes(face, this.glyphs[i]!);
      const components = glyphComponents(outline);
      if (components.length > 0) {
        // A copy (Buffer's slice would be a view of the font file).
        outline = new Uint8Array(outline);
        const view = new DataView(outline.buffer);
        for (const component of components) view.setUint16(component.at, this.includeGlyph(component.glyph));
      }
      outlines.push(outline);
      offsets.push(offset);
      metrics.push(glyphMetrics(face, this.glyphs[i]!));
      offset += outline.length;
    }
    offsets.push(offset);

    const count = outlines.length;
    const head = copy(face.tables.get("head")!, 54);
    const headView = new DataView(head.buffer);
    // fontkit writes macStyle's seven named bits only.
    headView.setUint16(44, headView.getUint16(44) & 0x7f);
    headView.setInt16(50, face.locaFormat);
    const hhea = copy(face.tables.get("hhea")!, 36);
    new DataView(hhea.buffer).setUint16(34, count);
    const maxp = copy(face.tables.get("maxp")!, 32);
    new DataView(maxp.buffer).setUint16(4, count);
    const loca = new Uint8Array(offsets.length * (face.locaFormat === 0 ? 2 : 4));
    const locaView = new DataView(loca.buffer);
    offsets.forEach((o, i) => (face.locaFormat === 0 ? locaView.setUint16(i * 2, o >>> 1) : locaView.setUint32(i * 4, o)));
    const hmtx = new Uint8Array(count * 4);
    const hmtxView = new DataView(hmtx.buffer);
    metrics.forEach(({ advance, bearing }, i) => {
      hmtxView.setUint16(i * 4, advance);
      hmtxView.setInt16(i * 4 + 2, bearing);
    });
    const cvt = face.tables.get("cvt ");
    const tables: [string, Uint8Array | undefined][] = [
      ["head", head],
      ["hhea", hhea],
      ["loca", loca],
      ["maxp", maxp],
      // fontkit reads cvt as 16-bit values: an odd last byte is not written back.
      ["cvt ", cvt && cvt.subarray(0, cvt.length & ~1)],
      ["prep", face.tables.get("prep")],
      ["glyf", concat(outlines)],
      ["hmtx", hmtx],
      ["fpgm", face.tables.get("fpgm")],
    ];
    return directory(tables.filter((t): t is [string, Uint8Array] => t[1] !== undefined));
  }
}

/** `length` bytes of `bytes`, zero-padded (maxp 0.5 has 6 bytes; fontkit writes all 32 of 1.0). */
function copy(bytes: Uint8Array, length: number): Uint8Array {
  const out = new Uint8Array(length);
  out.set(bytes.subarray(0, length));
  return out;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, p) => sum + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** The sfnt header and table records, then the tables back to back, as fontkit's Directory encodes them. */
function directory(tables: [string, Uint8Array][]): Uint8Array {
  const header = 12 + tables.length * 16;
  const out = new Uint8Array(header + tables.reduce((sum, [, bytes]) => sum + bytes.length, 0));
  const view = new DataView(out.buffer);
  const power = 2 ** Math.floor(Math.log2(tables.length));
  out.set([0x74, 0x72, 0x75, 0x65]); // "true"
  view.setUint16(4, tables.length);
  view.setUint16(6, power * 16);
  view.setUint16(8, Math.log2(power));
  view.setUint16(10, tables.length * 16 - power * 16);
  let offset = header;
  tables.forEach(([tag, bytes], i) => {
    const at = 12 + i * 16;
    for (let c = 0; c < 4; c++) out[at + c] = tag.charCodeAt(c);
    view.setUint32(at + 8, offset);
    view.setUint32(at + 12, bytes.length);
    out.set(bytes, offset);
    offset += bytes.length;
  });
  return out;
}
