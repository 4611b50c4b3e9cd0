import type { LaidOutGraph } from "../layout/types.js";
import type { OpCategory } from "../ops/types.js";
import { getTheme } from "../themes/index.js";
import type { Activations } from "./thumbnails.js";
import { drawArithmetic } from "./arithmetic.js";
import { drawBlocks } from "./blocks.js";
import { drawReceptive } from "./receptive.js";
import { pageOf } from "./chrome.js";
import { drawNeurons } from "./neurons.js";
import { drawSequence } from "./sequence.js";
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

/**
 * Turns a laid-out graph into the flat list of primitives every renderer draws: frames,
 * then edges, then blocks with their labels, so that nearer things cover farther ones.
 * One pass over nodes and edges: the cost grows linearly with the network.
 */
export function buildScene(laidOut: LaidOutGraph, sceneOptions: SceneOptions = {}): Scene {
  const options = { ...laidOut.options, ...Object.fromEntries(Object.entries(sceneOptions).filter(([, v]) => v !== undefined)) };
  const theme = laidOut.theme ?? getTheme(options.theme);
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
  const name = laidOut.network.title ?? laidOut.network.name;
  return pageOf({ primitives, width: laidOut.width, height: laidOut.height, present, name }, options, theme);
}
