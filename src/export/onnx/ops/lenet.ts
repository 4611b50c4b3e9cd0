import { poolParams, type PoolAttrs } from "../../../ops/pool.js";
import { rbfCentres } from "../../../ops/rbf.js";
import { subsampleParameters } from "../../../ops/subsample.js";
import { part, type OpExport } from "../builder.js";

/** LeNet's subsampling: AveragePool, times the window's size times the coefficient per map (one Mul), plus the bias. */
export const subsample: OpExport = (g, l) => {
  const attrs = l.layer.node.attrs as PoolAttrs;
  const p = poolParams(attrs, l.layer.inputShapes[0]!);
  const { coefficient, bias } = subsampleParameters(l.params);
  const c = coefficient.length;
  const window = p.kernel[0] * p.kernel[1];
  const mean = g.node("AveragePool", [l.inputs[0]!], part(l, "mean"), { kernel_shape: p.kernel, strides: p.stride, pads: p.padding }, { shape: l.layer.shape });
  // The coefficient is stored as trained, [C]; the pool's 1/window is undone beside it.
  const weight = g.weight(`${l.output}.weight`, { shape: [c], data: coefficient }, [c, 1, 1]);
  const scaled = g.node("Mul", [mean, g.scalar(part(l, "window"), window)], part(l, "sum"), {}, { shape: l.layer.shape });
  const weighted = g.node("Mul", [scaled, weight], part(l, "weighted"), {}, { shape: l.layer.shape });
  g.node("Add", [weighted, g.weight(`${l.output}.bias`, { shape: [c], data: bias }, [c, 1, 1])], l.output);
};

/** Euclidean RBF units: the input as [batch, 1, F] minus the centres [U, F], squared, summed over F. */
export const rbf: OpExport = (g, l) => {
  const centres = rbfCentres(l.layer.node.attrs as { units: number }, l.params);
  const [units, features] = centres.shape as [number, number];
  const column = g.node("Unsqueeze", [l.inputs[0]!, g.ints(part(l, "axis"), [1])], part(l, "column"), {}, { shape: [1, features] });
  const difference = g.node("Sub", [column, g.weight(`${l.output}.weight`, centres)], part(l, "difference"), {}, { shape: [units, features] });
  const squared = g.node("Mul", [difference, difference], part(l, "squared"), {}, { shape: [units, features] });
  g.node("ReduceSum", [squared, g.ints(part(l, "axes"), [2])], l.output, { keepdims: 0 });
};

/** A·tanh(S·x): Mul, Tanh, Mul. */
export const scaledtanh: OpExport = (g, l) => {
  const { amplitude, slope } = l.layer.node.attrs as { amplitude: number; slope: number };
  const inner = g.node("Mul", [l.inputs[0]!, g.scalar(part(l, "slope"), slope)], part(l, "scaled"), {}, { shape: l.layer.shape });
  const squashed = g.node("Tanh", [inner], part(l, "tanh"), {}, { shape: l.layer.shape });
  g.node("Mul", [squashed, g.scalar(part(l, "amplitude"), amplitude)], l.output);
};
