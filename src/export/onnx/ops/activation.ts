import { bnParameters, type BatchNormAttrs } from "../../../ops/elementwise.js";
import { cannotExport, channelAxis, part, type OpExport } from "../builder.js";

/** A one-input op with no attributes (Relu, Tanh, Sigmoid, HardSwish, Identity). */
function plain(opType: string): OpExport {
  return (g, l) => {
    g.node(opType, [l.inputs[0]!], l.output);
  };
}

export const relu = plain("Relu");
export const tanh = plain("Tanh");
export const sigmoid = plain("Sigmoid");
export const hardswish = plain("HardSwish");
export const identity = plain("Identity");

export const leakyrelu: OpExport = (g, l) => {
  g.node("LeakyRelu", [l.inputs[0]!], l.output, { alpha: { float: l.layer.node.attrs.slope as number } });
};

/** Softmax over channels, as the engine computes it: axis 1 of NCHW and of vectors, the last axis of sequences. */
export const softmax: OpExport = (g, l) => {
  g.node("Softmax", [l.inputs[0]!], l.output, { axis: channelAxis(l.layer.inputShapes[0]!) });
};

/** Clip takes its bounds as scalar inputs since opset 11. */
function clipTo(min: number, max: number): OpExport {
  return (g, l) => {
    g.node("Clip", [l.inputs[0]!, g.scalar(part(l, "min"), min), g.scalar(part(l, "max"), max)], l.output);
  };
}

export const relu6 = clipTo(0, 6);
export const clip: OpExport = (g, l) => clipTo(l.layer.node.attrs.min as number, l.layer.node.attrs.max as number)(g, l);

export const hardsigmoid: OpExport = (g, l) => {
  const { alpha, beta } = l.layer.node.attrs as { alpha: number; beta: number };
  g.node("HardSigmoid", [l.inputs[0]!], l.output, { alpha: { float: alpha }, beta: { float: beta } });
};

/** Dropout is the identity at inference; kept as a node (with its ratio) so the figure of the exported model shows it. */
export const dropout: OpExport = (g, l) => {
  g.node("Dropout", [l.inputs[0]!, g.scalar(part(l, "ratio"), l.layer.node.attrs.p as number)], l.output);
};

/**
 * BatchNormalization with the engine's γ, β and running statistics under PyTorch's
 * names. ONNX normalises axis 1, the engine a shape's last dimension: the same for
 * images and vectors, not for sequences.
 */
export const bn: OpExport = (g, l) => {
  const input = l.layer.inputShapes[0]!;
  if (input.length === 2) throw cannotExport(l.layer, "ONNX's BatchNormalization normalises the time axis of a [batch, T, N] sequence, not its features");
  const p = bnParameters(l.layer.node.attrs as BatchNormAttrs, l.params);
  const vector = (name: string, data: Float32Array) => g.weight(`${l.output}.${name}`, { shape: [data.length], data });
  g.node(
    "BatchNormalization",
    [l.inputs[0]!, vector("weight", p.gamma), vector("bias", p.beta), vector("running_mean", p.runningMean), vector("running_var", p.runningVar)],
    l.output,
    { epsilon: { float: p.eps } },
  );
};

/**
 * LRN. ONNX centres an even window one channel later than PyTorch does
 * (c−n/2+1 … c+n/2 against c−n/2 … c+n/2−1), so only odd sizes, every network's, are exact.
 */
export const lrn: OpExport = (g, l) => {
  const { size, alpha, beta, k } = l.layer.node.attrs as { size: number; alpha: number; beta: number; k: number };
  if (size % 2 === 0) throw cannotExport(l.layer, `ONNX's LRN centres an even window (size ${size}) differently from PyTorch's`, "use an odd size");
  g.node("LRN", [l.inputs[0]!], l.output, { size, alpha: { float: alpha }, beta: { float: beta }, bias: { float: k } });
};

/**
 * GELU as PyTorch 1.13 writes `nn.GELU` at opset 14 (Gelu is an opset-20 operator): x·(1 +
 * erf(x/√2))·½, Div, Erf, Add, Mul, Mul; the tanh form x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))·½.
 */
export const gelu: OpExport = (g, l) => {
  const x = l.inputs[0]!;
  const constant = (name: string, value: number) => g.scalar(part(l, name), value);
  if (l.layer.node.attrs.approximate === "tanh") {
    const cube = g.node("Mul", [x, g.node("Mul", [x, x], part(l, "square"))], part(l, "cube"));
    const inner = g.node("Add", [x, g.node("Mul", [constant("coefficient", 0.044715), cube], part(l, "cubic"))], part(l, "inner"));
    const tanh = g.node("Tanh", [g.node("Mul", [constant("sqrt_2_over_pi", Math.sqrt(2 / Math.PI)), inner], part(l, "scaled"))], part(l, "tanh"));
    const gate = g.node("Mul", [x, g.node("Add", [constant("one", 1), tanh], part(l, "one_plus_tanh"))], part(l, "gated"));
    g.node("Mul", [constant("half", 0.5), gate], l.output);
    return;
  }
  const erf = g.node("Erf", [g.node("Div", [x, constant("sqrt_2", Math.SQRT2)], part(l, "scaled"))], part(l, "erf"));
  const gate = g.node("Mul", [x, g.node("Add", [erf, constant("one", 1)], part(l, "one_plus_erf"))], part(l, "gated"));
  g.node("Mul", [gate, constant("half", 0.5)], l.output);
};
