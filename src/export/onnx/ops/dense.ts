import { transpose } from "../../../engine/kernels/shape.js";
import { fcParameters, type DenseAttrs } from "../../../ops/dense.js";
import { part, type OpExport } from "../builder.js";

/**
 * fc. A vector (or a 1x1xC map, flattened first) is a Gemm with `transB=1` on PyTorch's
 * `[out, in]` weight. A sequence `[batch, T, N]` is a MatMul by the weight stored
 * transposed, `[in, out]` (Gemm takes only matrices), then an Add of the bias: how
 * PyTorch itself exports a Linear on sequences. An fc tied to an embedding reads the
 * table's initializer itself: by Gemm `transB=1`, or a Transpose of it for the MatMul.
 */
export const fc: OpExport = (g, l) => {
  const attrs = l.layer.node.attrs as DenseAttrs;
  if (attrs.transposed && l.layer.tied) {
    // Tied weights: the shared layer's initializer `[units, features]` as it is, without transB.
    const { bias } = fcParameters(attrs, l.params);
    const inputs = [l.inputs[0]!, `${l.params.tiedTo!}.weight`];
    if (bias) inputs.push(g.weight(`${l.output}.bias`, { shape: [bias.length], data: bias }));
    g.node("Gemm", inputs, l.output, { transB: 0 });
    return;
  }
  const { weight, bias } = fcParameters(attrs, l.params);
  const input = l.layer.inputShapes[0]!;
  const biasTensor = bias ? { shape: [bias.length], data: bias } : undefined;
  // Tied to an embedding: its initializer `<embedding>.weight` `[V, D]` is this layer's `[out, in]` weight, one copy.
  const shared = l.layer.tied ? `${l.params.tiedTo!}.weight` : undefined;
  if (input.length === 2) {
    const w = shared ? g.node("Transpose", [shared], part(l, "weight"), { perm: [1, 0] }) : g.weight(`${l.output}.weight`, transpose(weight));
    if (!biasTensor) {
      g.node("MatMul", [l.inputs[0]!, w], l.output);
      return;
    }
    // The MatMul carries the layer's name (the Add is its bias), as in PyTorch's exports.
    const product = g.node("MatMul", [l.inputs[0]!, w], part(l, "matmul"), {}, { shape: l.layer.shape, name: l.output });
    g.node("Add", [product, g.weight(`${l.output}.bias`, biasTensor)], l.output, {}, { name: part(l, "bias") });
    return;
  }
  const x = input.length === 3 ? g.node("Flatten", [l.inputs[0]!], part(l, "flatten"), { axis: 1 }, { shape: [input[2]!] }) : l.inputs[0]!;
  const inputs = [x, shared ?? g.weight(`${l.output}.weight`, weight)];
  if (biasTensor) inputs.push(g.weight(`${l.output}.bias`, biasTensor));
  g.node("Gemm", inputs, l.output, { transB: 1 });
};
