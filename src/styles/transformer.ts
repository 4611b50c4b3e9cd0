/**
 * The Transformer block diagram (Vaswani et al. 2017, fig. 1; Dosovitskiy et al. 2021, fig. 1):
 * token rows at the bottom, each repeated layer drawn once as stacked sub-blocks with its
 * residuals in a frame with ×N, encoder and decoder side by side with the cross-attention
 * arrow, the heads on top. Picked automatically for sequence networks with attention (the blocks
 * figure when activations are to be drawn).
 */
import { layoutTransformerFigure, transformerFits, type TransformerFigure } from "../layout/transformer/index.js";
import { drawTransformer } from "../scene/transformer/index.js";
import type { FigureStyleModule } from "./types.js";

export const transformer: FigureStyleModule<"transformer", TransformerFigure> = {
  name: "transformer",
  auto: true,
  // Attention maps go on the blocks figure's faces; this diagram has no place for them yet.
  drawsActivations: false,
  // The diagram's stack is the repeated layer drawn once: N of them would be another figure (blocks draws it).
  foldsRepeats: true,
  fits: (network) => transformerFits(network),
  layout: (network, _options, theme) => layoutTransformerFigure(network, theme),
  draw: (laidOut, theme) => ({
    primitives: drawTransformer(laidOut.figure, theme),
    width: laidOut.width,
    height: laidOut.height,
    // No legend: every box names its role (Multi-Head Attention, Feed Forward, Add & Norm),
    // as in the papers' own figures, and cuboid swatches would not match the flat boxes.
    present: new Map(),
  }),
};
