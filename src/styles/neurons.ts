/** Neurons as circles, every neuron of a layer joined to every neuron of the next: perceptrons, MLPs, RBMs. */
import { layoutNeuronFigure, neuronColumns, type NeuronFigure } from "../layout/neurons.js";
import { drawNeurons } from "../scene/neurons.js";
import { drawingOf, fitOf, type FigureStyleModule } from "./types.js";

export const neurons: FigureStyleModule<"neurons", NeuronFigure> = {
  name: "neurons",
  auto: true,
  fits: (network) => fitOf(neuronColumns(network)),
  layout: (network, options, theme) => layoutNeuronFigure(network, options, theme),
  draw: (laidOut, theme) => drawingOf(laidOut, drawNeurons(laidOut.figure, theme)),
};
