/**
 * The scene stage's shared pieces. Each figure style draws in its own module here
 * (blocks.ts, neurons.ts, sequence.ts, arithmetic.ts, receptive.ts) and chrome.ts puts the
 * page around any of them; `buildScene()`, which picks the drawing for a laid-out figure,
 * lives with the figure styles (src/styles/).
 */
import type { Activations } from "./thumbnails.js";

export type { Scene, Primitive } from "./types.js";

/** Settings a scene can change without a new layout (they move nothing ELK placed). */
export interface SceneOptions {
  /** Real feature maps to draw on the blocks (`render --activations`). */
  activations?: Activations;
  legend?: boolean;
  title?: string;
  pyramids?: boolean;
}
