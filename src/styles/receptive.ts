/** Each layer's receptive field as nested squares on the input grid; drawn only on request (`style: receptive`). */
import { layoutReceptiveFigure, receptiveLayers, type ReceptiveFigure } from "../layout/receptive.js";
import { drawReceptive } from "../scene/receptive.js";
import { drawingOf, fitOf, type FigureStyleModule } from "./types.js";

export const receptive: FigureStyleModule<"receptive", ReceptiveFigure> = {
  name: "receptive",
  auto: false,
  fits: (network) => fitOf(receptiveLayers(network)),
  layout: (network, options, theme) => layoutReceptiveFigure(network, options, theme),
  draw: (laidOut, theme) => drawingOf(laidOut, drawReceptive(laidOut.figure, theme)),
};
