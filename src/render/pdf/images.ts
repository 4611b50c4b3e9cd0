/**
 * The scene's PNG images as PDF image objects. An 8-bit grey or RGB PNG without interlacing
 * (the thumbnails, image/png.ts) goes in as it is: its IDAT bytes are a Flate stream that
 * PNG's predictors decode, which PDF's /DecodeParms /Predictor 15 names. Any other PNG
 * (alpha, palette, 16 bits, interlaced) is decoded by pngjs, its colour and alpha written
 * as an image and its soft mask.
 */

import { createRequire } from "node:module";
import { deflateSync } from "node:zlib";
import type { PNG } from "pngjs";
import { PNG_SIGNATURE } from "../../image/png.js";
import type { PdfDocument } from "./document.js";

const require = createRequire(import.meta.url);

const GREY = 0;
const RGB = 2;

interface PngHeader {
  width: number;
  height: number;
  bitDepth: number;
  colorType: number;
  interlace: number;
  /** The IDAT chunks' data, concatenated. */
  data: Buffer;
}

function readPng(png: Uint8Array): PngHeader {
  const bytes = Buffer.from(png.buffer, png.byteOffset, png.byteLength);
  if (bytes.length < 33 || PNG_SIGNATURE.some((b, i) => bytes[i] !== b)) throw new Error("renderPdf: an image of the scene is not a PNG");
  const idat: Buffer[] = [];
  let header: Omit<PngHeader, "data"> | undefined;
  for (let at = 8; at + 8 <= bytes.length; ) {
    const length = bytes.readUInt32BE(at);
    const type = bytes.toString("latin1", at + 4, at + 8);
    const data = bytes.subarray(at + 8, at + 8 + length);
    if (data.length !== length) throw new Error(`renderPdf: an image's ${type} chunk runs past the end of the PNG`);
    if (type === "IHDR" && length >= 13) {
      header = { width: data.readUInt32BE(0), height: data.readUInt32BE(4), bitDepth: data[8]!, colorType: data[9]!, interlace: data[12]! };
    } else if (type === "IDAT") idat.push(data);
    else if (type === "IEND") break;
    at += 12 + length;
  }
  if (!header || !(header.width > 0 && header.height > 0) || idat.length === 0) throw new Error("renderPdf: an image of the scene is a PNG without header or pixels");
  return { ...header, data: Buffer.concat(idat) };
}

/** Adds the image (and its soft mask, if it has transparency); returns its object number. */
export function embedImage(doc: PdfDocument, png: Uint8Array): number {
  const header = readPng(png);
  const { width, height } = header;
  if (header.bitDepth === 8 && (header.colorType === RGB || header.colorType === GREY) && header.interlace === 0) {
    const colors = header.colorType === RGB ? 3 : 1;
    return doc.addStream(
      `/Type /XObject /Subtype /Image /Width ${width} /Height ${height} /ColorSpace /${colors === 3 ? "DeviceRGB" : "DeviceGray"} /BitsPerComponent 8 ` +
        `/Filter /FlateDecode /DecodeParms << /Predictor 15 /Colors ${colors} /BitsPerComponent 8 /Columns ${width} >>`,
      header.data,
    );
  }
  const { PNG: Png } = require("pngjs") as { PNG: typeof PNG };
  let decoded: PNG;
  try {
    decoded = Png.sync.read(Buffer.from(png.buffer, png.byteOffset, png.byteLength));
  } catch (error) {
    throw new Error(`renderPdf: an image of the scene is not a readable PNG (${(error as Error).message})`);
  }
  const pixels = width * height;
  const rgb = Buffer.alloc(pixels * 3);
  const alpha = Buffer.alloc(pixels);
  let opaque = true;
  for (let i = 0; i < pixels; i++) {
    rgb[i * 3] = decoded.data[i * 4]!;
    rgb[i * 3 + 1] = decoded.data[i * 4 + 1]!;
    rgb[i * 3 + 2] = decoded.data[i * 4 + 2]!;
    alpha[i] = decoded.data[i * 4 + 3]!;
    if (alpha[i] !== 255) opaque = false;
  }
  const image = doc.reserve();
  const mask = opaque ? undefined : doc.addStream(`/Type /XObject /Subtype /Image /Width ${width} /Height ${height} /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode`, deflateSync(alpha));
  doc.defineStream(
    image,
    `/Type /XObject /Subtype /Image /Width ${width} /Height ${height} /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /FlateDecode${mask ? ` /SMask ${mask} 0 R` : ""}`,
    deflateSync(rgb),
  );
  return image;
}
