import type { OpCategory } from "../ops/types.js";
import type { RenderOptions } from "../options/figure.js";
import type { Theme } from "../themes/index.js";
import { fontOf } from "../themes/index.js";
import { measureText } from "../text/measure.js";
import { drawLegend } from "./legend.js";
import { translate } from "./shapes.js";
import type { Primitive, Scene } from "./types.js";

const PAD = 12;

/** A figure's drawing before the page around it: its primitives, size and the layer kinds it shows. */
export interface FigureDrawing {
  primitives: Primitive[];
  width: number;
  height: number;
  /** Layer kinds with the ops they stand for, for the legend; empty for figures without one. */
  present: Map<OpCategory, Set<string>>;
  /** The title the written file carries when none is drawn. */
  name: string;
}

type PageOptions = Pick<RenderOptions, "title" | "legend" | "legendAt" | "camera">;

/**
 * The figure with its legend: below it, wrapped at its width, or in a column beside it,
 * centred on its height. Positions are the figure's; the size is of both together.
 */
function withLegend(drawing: Pick<FigureDrawing, "width" | "height" | "present">, options: PageOptions, theme: Theme): { legend: Primitive[]; width: number; height: number } {
  const { width, height, present } = drawing;
  if (!options.legend || present.size === 0) return { legend: [], width, height };
  const gap = 16 * (theme.text.legend.size / 8);
  if (options.legendAt === "right") {
    const legend = drawLegend(present, theme, options.camera, 0, 0, 0, "column");
    const dy = Math.max(0, (height - legend.height) / 2);
    return { legend: legend.primitives.map((p) => translate(p, width + gap, dy)), width: width + gap + legend.width, height: Math.max(height, legend.height) };
  }
  const legend = drawLegend(present, theme, options.camera, 0, height + gap, width);
  return { legend: legend.primitives, width: Math.max(width, legend.width), height: height + gap + legend.height };
}

function titleOf(options: PageOptions, theme: Theme) {
  const font = fontOf(theme, theme.text.title);
  return options.title !== "" ? { font, metrics: measureText(options.title, font) } : undefined;
}

/** How wide `pageOf` makes the page, without drawing the figure (fitting a width lays a figure out many times). */
export function pageWidth(drawing: Pick<FigureDrawing, "width" | "present">, options: PageOptions, theme: Theme): number {
  const width = withLegend({ ...drawing, height: 0 }, options, theme).width + 2 * PAD;
  const title = titleOf(options, theme);
  return title ? Math.max(width, title.metrics.width + 2 * PAD) : width;
}

/** The page around a figure: the title above, the legend below, a margin on every side. */
export function pageOf(drawing: FigureDrawing, options: PageOptions, theme: Theme): Scene {
  const title = titleOf(options, theme);
  const titleMetrics = title?.metrics;
  const titleHeight = titleMetrics ? titleMetrics.ascent + titleMetrics.descent + 10 : 0;
  const { legend, width, height } = withLegend(drawing, options, theme);
  const all = [...drawing.primitives, ...legend];
  const dx = PAD;
  const dy = PAD + titleHeight;
  const placed = all.map((p) => translate(p, dx, dy));
  let sceneWidth = width + 2 * PAD;
  if (title && titleMetrics) {
    sceneWidth = Math.max(sceneWidth, titleMetrics.width + 2 * PAD);
    placed.unshift({
      type: "text",
      role: "title",
      text: options.title,
      at: [sceneWidth / 2, PAD + titleMetrics.ascent],
      anchor: "middle",
      font: title.font,
      color: theme.text.title.color,
      width: titleMetrics.width,
    });
  }
  return {
    width: sceneWidth,
    height: height + titleHeight + 2 * PAD,
    background: theme.background,
    title: options.title !== "" ? options.title : drawing.name,
    primitives: placed,
  };
}
