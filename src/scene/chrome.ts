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

/** How wide `pageOf` makes the page, without drawing the figure (fitting a width lays a figure out many times). */
export function pageWidth(drawing: Pick<FigureDrawing, "width" | "present">, options: Pick<RenderOptions, "title" | "legend" | "legendAt" | "camera">, theme: Theme): number {
  let width = drawing.width;
  if (options.legend && drawing.present.size > 0) {
    const gap = 16 * (theme.text.legend.size / 8);
    if (options.legendAt === "right") width += gap + drawLegend(drawing.present, theme, options.camera, 0, 0, 0, "column").width;
    else width = Math.max(width, drawLegend(drawing.present, theme, options.camera, 0, 0, width).width);
  }
  width += 2 * PAD;
  if (options.title !== "") width = Math.max(width, measureText(options.title, fontOf(theme, theme.text.title)).width + 2 * PAD);
  return width;
}

/** The page around a figure: the title above, the legend below, a margin on every side. */
export function pageOf(drawing: FigureDrawing, options: Pick<RenderOptions, "title" | "legend" | "legendAt" | "camera">, theme: Theme): Scene {
  const { primitives, present } = drawing;
  const title = options.title;
  const titleFont = fontOf(theme, theme.text.title);
  const titleMetrics = title !== "" ? measureText(title, titleFont) : undefined;
  const titleHeight = titleMetrics ? titleMetrics.ascent + titleMetrics.descent + 10 : 0;
  let height = drawing.height;
  let width = drawing.width;
  const all = [...primitives];
  if (options.legend && present.size > 0) {
    // Below the figure, wrapped at its width; or in a column beside it, centred on its height.
    const gap = 16 * (theme.text.legend.size / 8);
    if (options.legendAt === "right") {
      const probe = drawLegend(present, theme, options.camera, 0, 0, 0, "column");
      const legend = drawLegend(present, theme, options.camera, width + gap, Math.max(0, (height - probe.height) / 2), 0, "column");
      all.push(...legend.primitives);
      width += gap + legend.width;
      height = Math.max(height, legend.height);
    } else {
      const legend = drawLegend(present, theme, options.camera, 0, height + gap, width);
      all.push(...legend.primitives);
      width = Math.max(width, legend.width);
      height += gap + legend.height;
    }
  }
  const dx = PAD;
  const dy = PAD + titleHeight;
  const placed = all.map((p) => translate(p, dx, dy));
  let sceneWidth = width + 2 * PAD;
  if (titleMetrics) {
    sceneWidth = Math.max(sceneWidth, titleMetrics.width + 2 * PAD);
    placed.unshift({
      type: "text",
      role: "title",
      text: title,
      at: [sceneWidth / 2, PAD + titleMetrics.ascent],
      anchor: "middle",
      font: titleFont,
      color: theme.text.title.color,
      width: titleMetrics.width,
    });
  }
  return {
    width: sceneWidth,
    height: height + titleHeight + 2 * PAD,
    background: theme.background,
    title: title !== "" ? title : drawing.name,
    primitives: placed,
  };
}
