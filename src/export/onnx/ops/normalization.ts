import { layerNormParameters, type LayerNormAttrs } from "../../../ops/layernorm.js";
import { part, type OpExport } from "../builder.js";

/**
 * LayerNormalization is an opset-17 operator, so at opset 14 layer norm is written as PyTorch
 * 1.13 decomposes `nn.LayerNorm`: ReduceMean, Sub, Pow 2, ReduceMean, Add ε, Sqrt, Div, then
 * Mul by `<layer>.weight` and Add of `<layer>.bias`. Over the last axis of a vector or a
 * sequence, over the channels (axis 1) of an NCHW image, as the engine normalises.
 */
export const layernorm: OpExport = (g, l) => {
  const p = layerNormParameters(l.layer.node.attrs as LayerNormAttrs, l.params);
  const image = l.layer.inputShapes[0]!.length === 3;
  const axes = [image ? 1 : -1];
  const x = l.inputs[0]!;
  const mean = g.node("ReduceMean", [x], part(l, "mean"), { axes });
  const centred = g.node("Sub", [x, mean], part(l, "centred"));
  const squares = g.node("Pow", [centred, g.scalar(part(l, "two"), 2)], part(l, "squares"));
  const variance = g.node("ReduceMean", [squares], part(l, "variance"), { axes });
  const deviation = g.node("Sqrt", [g.node("Add", [variance, g.scalar(part(l, "eps"), p.eps)], part(l, "variance_eps"))], part(l, "deviation"));
  if (!p.weight || !p.bias) {
    g.node("Div", [centred, deviation], l.output);
    return;
  }
  const normalised = g.node("Div", [centred, deviation], part(l, "normalised"));
  // An NCHW image's per-channel γ and β broadcast as [C, 1, 1].
  const dims = (values: Float32Array) => (image ? [values.length, 1, 1] : [values.length]);
  const scaled = g.node("Mul", [normalised, g.weight(`${l.output}.weight`, { shape: [p.weight.length], data: p.weight }, dims(p.weight))], part(l, "scaled"));
  g.node("Add", [scaled, g.weight(`${l.output}.bias`, { shape: [p.bias.length], data: p.bias }, dims(p.bias))], l.output);
};
