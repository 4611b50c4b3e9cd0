/**
 * One conv as input ∗ filter = output with the engine's numbers in the cells; drawn only on
 * request (`style: arithmetic`). It needs the network run first: the execute stage hands
 * the run's tensors to layout.
 */
import { arithmeticLayers, layoutArithmeticFigure, type ArithmeticFigure } from "../layout/arithmetic.js";
import { drawArithmetic } from "../scene/arithmetic.js";
import { drawingOf, fitOf, type FigureStyleModule } from "./types.js";

export const arithmetic: FigureStyleModule<"arithmetic", ArithmeticFigure> = {
  name: "arithmetic",
  auto: false,
  needs: ["execution"],
  fits: (network) => fitOf(arithmeticLayers(network)),
  layout(network, options, theme, { execution }) {
    if (!execution) throw new Error(`style arithmetic draws the numbers of a run: execute ${network.network.name} first`);
    return layoutArithmeticFigure(network, options, theme, execution);
  },
  draw: (laidOut, theme) => drawingOf(laidOut, drawArithmetic(laidOut.figure, theme)),
};
