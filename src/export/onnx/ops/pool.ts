import type { PoolAttrs } from "../../../ops/pool.js";
import { effectiveKernel, resolvePadding, windowFromAttrs, windowOutput } from "../../../ops/window.js";
import { cannotExport, type LayerExport, type OpExport } from "../builder.js";

function window(l: LayerExport) {
  const attrs = l.layer.node.attrs as PoolAttrs;
  const [h, w] = l.layer.inputShapes[0]!;
  return { attrs, pads: resolvePadding(windowFromAttrs(attrs), h!, w!) };
}

export const maxpool: OpExport = (g, l) => {
  const { attrs, pads } = window(l);
  g.node("MaxPool", [l.inputs[0]!], l.output, { kernel_shape: attrs.kernel, strides: attrs.stride, pads, dilations: attrs.dilation, ceil_mode: attrs.ceil ? 1 : 0 });
};

export const avgpool: OpExport = (g, l) => {
  const { attrs, pads } = window(l);
  g.node("AveragePool", [l.inputs[0]!], l.output, {
    kernel_shape: attrs.kernel,
    strides: attrs.stride,
    pads,
    ceil_mode: attrs.ceil ? 1 : 0,
    count_include_pad: attrs.includePad ? 1 : 0,
  });
};

/**
 * L2 pooling is LpPool with p=2. LpPool has no ceil_mode before opset 18; zeros add
 * nothing to a sum of squares, so ceil mode's extra windows become extra zero padding
 * at the end, exactly the windows PyTorch's ceil mode adds.
 */
export const l2pool: OpExport = (g, l) => {
  const { attrs, pads } = window(l);
  const [h, w] = l.layer.inputShapes[0]!;
  if (attrs.ceil) {
    const [kh, kw] = effectiveKernel(windowFromAttrs(attrs));
    const [t, left, b, r] = pads;
    const extra = (n: number, k: number, s: number, before: number, after: number) => Math.max(0, (windowOutput(n, k, s, before, after, true) - 1) * s + k - (n + before + after));
    pads[2] = b + extra(h!, kh, attrs.stride[0]!, t, b);
    pads[3] = r + extra(w!, kw, attrs.stride[1]!, left, r);
  }
  g.node("LpPool", [l.inputs[0]!], l.output, { kernel_shape: attrs.kernel, strides: attrs.stride, pads, p: 2 });
};

export const globalavgpool: OpExport = (g, l) => {
  g.node("GlobalAveragePool", [l.inputs[0]!], l.output);
};

export const globalmaxpool: OpExport = (g, l) => {
  g.node("GlobalMaxPool", [l.inputs[0]!], l.output);
};

/**
 * Adaptive average pooling to a size that divides the input is an AveragePool with a
 * whole-number window; other sizes have overlapping windows of varying extent, which no
 * standard ONNX op computes.
 */
export const adaptiveavgpool: OpExport = (g, l) => {
  const [h, w] = l.layer.inputShapes[0]!;
  const [oh, ow] = l.layer.shape;
  if (h! % oh! !== 0 || w! % ow! !== 0) {
    throw cannotExport(l.layer, `${h}x${w} does not divide into ${oh}x${ow} windows of one size (ONNX has no adaptive average pool)`, `pool to a size that divides ${h}x${w}, or use avgpool with an explicit kernel`);
  }
  const kernel = [h! / oh!, w! / ow!];
  g.node("AveragePool", [l.inputs[0]!], l.output, { kernel_shape: kernel, strides: kernel });
};
