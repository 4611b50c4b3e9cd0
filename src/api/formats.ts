/**
 * The output formats, one row each: what a scene becomes and how. Renderers load only
 * when asked for (resvg and pptxgenjs cost time an SVG render does not need), and a new
 * format is one more row here: its output type follows from its `render`.
 */

import { renderSvg } from "../render/svg.js";
import type { Scene } from "../scene/types.js";

export interface FormatOptions {
  /** SVG: draw text as glyph outlines. */
  textAsPaths: boolean;
  /** PNG: dots per inch, or pixels per point instead. */
  dpi?: number;
  pngScale?: number;
  background: "white" | "transparent";
  /** TeX: only the colours and the picture, to `\input` into a document that loads TikZ. */
  tikzBody: boolean;
}

export const FORMATS = {
  svg: {
    mediaType: "image/svg+xml",
    render: async (scene: Scene, options: FormatOptions): Promise<string> => renderSvg(scene, { textAsPaths: options.textAsPaths }),
  },
  pdf: {
    mediaType: "application/pdf",
    render: async (scene: Scene): Promise<Uint8Array> => (await import("../render/pdf.js")).renderPdf(scene),
  },
  png: {
    mediaType: "image/png",
    render: async (scene: Scene, options: FormatOptions): Promise<Uint8Array> => {
      // Glyph outlines: resvg would shape a mixed-script label under one script (see text/shaping.ts).
      const svg = renderSvg(scene, { textAsPaths: true });
      return (await import("../render/png.js")).renderPng(svg, { dpi: options.dpi, scale: options.pngScale, background: options.background });
    },
  },
  tex: {
    mediaType: "application/x-tex",
    render: async (scene: Scene, options: FormatOptions): Promise<string> => (await import("../render/tikz.js")).renderTikz(scene, { body: options.tikzBody }),
  },
  pptx: {
    mediaType: "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    render: async (scene: Scene): Promise<Uint8Array> => (await import("../render/pptx.js")).renderPptx(scene),
  },
} as const;

export type FormatName = keyof typeof FORMATS;
export const FORMAT_NAMES = Object.keys(FORMATS) as FormatName[];

/** What `render` returns for a format: a string for text formats, bytes for the rest. */
export type FormatOutput<F extends FormatName> = Awaited<ReturnType<(typeof FORMATS)[F]["render"]>>;

export function isFormat(name: string): name is FormatName {
  return Object.hasOwn(FORMATS, name);
}
