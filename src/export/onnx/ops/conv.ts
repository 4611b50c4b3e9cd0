import { convParameters, type ConvAttrs } from "../../../ops/conv.js";
import { deconvPadding, deconvParameters, type DeconvAttrs } from "../../../ops/deconv.js";
import { projParameters, shortcutStrides, type ShortcutAttrs } from "../../../ops/shortcut.js";
import { resolvePadding, windowFromAttrs } from "../../../ops/window.js";
import type { ConvWeights } from "../../../engine/params.js";
import type { GraphBuilder, LayerExport, OpExport } from "../builder.js";

/** Conv or ConvTranspose inputs: data, `<id>.weight`, and `<id>.bias` when the layer has one. */
function convInputs(g: GraphBuilder, l: LayerExport, { weight, bias }: ConvWeights): string[] {
  const inputs = [l.inputs[0]!, g.weight(`${l.output}.weight`, weight)];
  if (bias) inputs.push(g.weight(`${l.output}.bias`, { shape: [bias.length], data: bias }));
  return inputs;
}

/** Conv; `same` padding becomes the explicit (possibly asymmetric) pads the engine uses for this input size. */
export const conv: OpExport = (g, l) => {
  const attrs = l.layer.node.attrs as ConvAttrs;
  const [h, w] = l.layer.inputShapes[0]!;
  g.node("Conv", convInputs(g, l, convParameters(attrs, l.params)), l.output, {
    kernel_shape: attrs.kernel,
    strides: attrs.stride,
    pads: resolvePadding(windowFromAttrs(attrs), h!, w!),
    dilations: attrs.dilation,
    group: attrs.groups,
  });
};

/** ConvTranspose: ONNX's weight layout `[C, M/groups, kh, kw]` is PyTorch's; `same` is pads plus output_padding. */
export const deconv: OpExport = (g, l) => {
  const attrs = l.layer.node.attrs as DeconvAttrs;
  const { padding, outputPadding } = deconvPadding(attrs);
  g.node("ConvTranspose", convInputs(g, l, deconvParameters(attrs, l.params)), l.output, {
    kernel_shape: attrs.kernel,
    strides: attrs.stride,
    pads: [padding[0], padding[1], padding[0], padding[1]],
    output_padding: outputPadding,
    dilations: attrs.dilation,
    group: attrs.groups,
  });
};

/** The projection shortcut: a 1x1 Conv with the stride that maps its input onto the main branch. */
export const proj: OpExport = (g, l) => {
  const [input, target] = l.layer.inputShapes;
  g.node("Conv", convInputs(g, l, projParameters(l.layer.node.attrs as ShortcutAttrs, l.params)), l.output, {
    kernel_shape: [1, 1],
    strides: shortcutStrides(input!, target!, "proj"),
  });
};
