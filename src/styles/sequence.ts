/** A recurrent network folded with its loop, then unrolled over time steps (Goodfellow et al., fig. 10.3). */
import { layoutSequenceFigure, sequenceRows, type SequenceFigure } from "../layout/sequence.js";
import { drawSequence } from "../scene/sequence.js";
import { drawingOf, fitOf, type FigureStyleModule } from "./types.js";

export const sequence: FigureStyleModule<"sequence", SequenceFigure> = {
  name: "sequence",
  auto: true,
  fits: (network) => fitOf(sequenceRows(network)),
  layout: (network, options, theme) => layoutSequenceFigure(network, options, theme),
  draw: (laidOut, theme) => drawingOf(laidOut, drawSequence(laidOut.figure, theme)),
};
