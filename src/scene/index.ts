import type { LaidOutGraph } from "../layout/types.js";
import type { OpCategory } from "../ops/types.js";
import { fontOf, getTheme } from "../themes/index.js";
import { measureText } from "../text/measure.js";
import type { Activations } from "./thumbnails.js";
import { drawArithmetic } from "./arithmetic.js";
import { drawBlocks } from "./blocks.js";
import { drawReceptive } from "./receptive.js";
import { drawLegend } from "./legend.js";
import { drawNeurons } from "./neurons.js";
import { drawSequence } from "./sequence.js";
import { translate } from "./shapes.js";
import type { Primitive, Scene } from "./types.js";

export type { Scene, Primitive } from "./types.js";

/** Settings a scene can change without a new layout (they move nothing ELK placed). */
export interface SceneOptions {
  /** Real feature maps to draw on the blocks (`render --activations`). */
  activations?: Activations;
  legend?: boolean;
  title?: string;
  pyramids?: boolean;
}

const PAD = 12;

/**
 * Turns a laid-out graph into the flat list of primitives every renderer draws: frames,
 * then edges, then blocks with their labels, so that nearer things cover farther ones.
 * One pass over nodes and edges: the cost grows linearly with the network.
 */
export function buildScene(laidOut: LaidOutGraph, sceneOptions: SceneOptions = {}): Scene {
  const options = { ...laidOut.options, ...Object.fromEntries(Object.entries(sceneOptions).filter(([, v]) => v !== undefined)) };
  const theme = laidOut.theme ?? getTheme(options.theme);
  const title = options.title;
  const titleFont = fontOf(theme, theme.text.title);
  const titleMetrics = title !== "" ? measureText(title, titleFont) : undefined;
  const titleHeight = titleMetrics ? titleMetrics.ascent + titleMetrics.descent + 10 : 0;

  const primitives: Primitive[] = laidOut.neurons
    ? drawNeurons(laidOut.neurons, theme)
    : laidOut.sequence
      ? drawSequence(laidOut.sequence, theme)
      : laidOut.arithmetic
        ? drawArithmetic(laidOut.arithmetic, theme)
        : laidOut.receptive
          ? drawReceptive(laidOut.receptive, theme)
          : [];
  let present = new Map<OpCategory, Set<string>>();
  if (!laidOut.neurons && !laidOut.sequence && !laidOut.arithmetic && !laidOut.receptive) {
    const blocks = drawBlocks(laidOut, options, theme, sceneOptions.activations);
    primitives.push(...blocks.primitives);
    present = blocks.present;
  }

  let height = laidOut.height;
  const width = laidOut.width;
  if (options.legend && present.size > 0) {
    const legend = drawLegend(present, theme, options.camera, 0, height + 16, Math.max(width, 360));
    primitives.push(...legend.primitives);
    height += 16 + legend.height;
  }
  const dx = PAD;
  const dy = PAD + titleHeight;
  const placed = primitives.map((p) => translate(p, dx, dy));
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
    title: title !== "" ? title : (laidOut.network.title ?? laidOut.network.name),
    primitives: placed,
  };
}
