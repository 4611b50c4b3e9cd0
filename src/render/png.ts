/**
 * SVG → PNG with resvg. The fonts are handed over explicitly and system fonts are never
 * loaded, so every machine draws the same pixels; the PNG records its resolution (pHYs),
 * so LaTeX and word processors place it at the size it was made for.
 */

import { PNG_SIGNATURE, pngChunk } from "../image/png.js";
import { Resvg } from "@resvg/resvg-js";
import { NetfigError } from "../lang/diagnostics.js";
import { allFontFiles } from "../text/fonts.js";

export interface PngOptions {
  /** Dots per inch of the printed figure (default 300): pixels = points × dpi / 72. */
  dpi?: number;
  /** Pixels per point instead of `dpi` (1 is 72 dpi, 2 is 144 dpi). Give one or the other. */
  scale?: number;
  /** What shows through where the SVG draws nothing (default white). */
  background?: "white" | "transparent";
  /** Font files beyond the bundled ones, e.g. the file behind `--font path.ttf`. */
  fontFiles?: string[];
}

/** Pixel budget (about 16k × 16k): beyond it resvg would take gigabytes for one figure. */
const MAX_PIXELS = 268_435_456;

/**
 * `png` with a pHYs chunk saying `dpi`, placed after IHDR as the PNG specification requires
 * (before any IDAT). resvg writes none.
 */
function withResolution(png: Buffer, dpi: number): Buffer {
  if (!PNG_SIGNATURE.every((b, i) => png[i] === b) || png.toString("latin1", 12, 16) !== "IHDR") {
    throw new Error("renderPng: resvg returned something that is not a PNG");
  }
  const ihdrEnd = 8 + 12 + png.readUInt32BE(8);
  const perMetre = Math.round(dpi / 0.0254);
  const phys = Buffer.alloc(9);
  phys.writeUInt32BE(perMetre, 0);
  phys.writeUInt32BE(perMetre, 4);
  phys[8] = 1; // unit: metre
  return Buffer.concat([png.subarray(0, ihdrEnd), pngChunk("pHYs", phys), png.subarray(ihdrEnd)]);
}

/** Renders an SVG (as `renderSvg` makes it, sized in points) to PNG bytes. */
export function renderPng(svg: string, options: PngOptions = {}): Uint8Array {
  if (options.dpi !== undefined && options.scale !== undefined) {
    throw new RangeError("renderPng: give dpi or scale, not both");
  }
  const pixelsPerPoint = options.scale ?? (options.dpi ?? 300) / 72;
  if (!(pixelsPerPoint > 0) || !Number.isFinite(pixelsPerPoint)) {
    throw new RangeError(`renderPng: dpi/scale must be a positive number`);
  }
  const resvg = new Resvg(svg, {
    // At 72 "dpi" resvg reads 1pt (and 1 unitless user unit) as one pixel before zooming,
    // so the zoom below is exactly pixels per point whatever unit the SVG's size is in.
    dpi: 72,
    fitTo: { mode: "zoom", value: pixelsPerPoint },
    background: options.background === "transparent" ? undefined : "#ffffff",
    font: {
      fontFiles: [...allFontFiles(), ...(options.fontFiles ?? [])],
      loadSystemFonts: false,
      defaultFontFamily: "DejaVu Sans",
      sansSerifFamily: "DejaVu Sans",
      serifFamily: "CMU Serif",
      monospaceFamily: "DejaVu Sans Mono",
    },
  });
  const pixels = resvg.width * pixelsPerPoint * resvg.height * pixelsPerPoint;
  if (pixels > MAX_PIXELS) {
    // The figure is fine, the request is not: an input error that says what to ask for instead.
    throw new NetfigError([
      {
        severity: "error",
        message: `a PNG of ${Math.round(resvg.width * pixelsPerPoint)}×${Math.round(resvg.height * pixelsPerPoint)} pixels is too large to make`,
        hint: "lower --dpi or --scale, give --width, or write .svg or .pdf, which have no pixel limit",
      },
    ]);
  }
  const png = withResolution(resvg.render().asPng(), pixelsPerPoint * 72);
  return new Uint8Array(png.buffer, png.byteOffset, png.byteLength);
}

/** PNG pixel size of a scene `widthPt × heightPt` at `dpi`, as resvg rounds it. */
export function pixelSize(widthPt: number, heightPt: number, dpi: number): { width: number; height: number } {
  return { width: Math.round((widthPt * dpi) / 72), height: Math.round((heightPt * dpi) / 72) };
}
