import { centerCropOffsets } from "../../../engine/kernels/crop.js";
import { poolParams, type PoolAttrs } from "../../../ops/pool.js";
import { part, type OpExport } from "../builder.js";

/** Centre crop: a Slice of H and W from the offsets the engine crops at. */
export const crop: OpExport = (g, l) => {
  const [h, w] = l.layer.inputShapes[0]!;
  const [ch, cw] = l.layer.shape;
  const [top, left] = centerCropOffsets([h!, w!], [ch!, cw!]);
  g.node("Slice", [l.inputs[0]!, g.ints(part(l, "starts"), [top, left]), g.ints(part(l, "ends"), [top + ch!, left + cw!]), g.ints(part(l, "axes"), [2, 3])], l.output);
};

/**
 * Max unpooling: the named pool's MaxPool run again on its input for its indices (ONNX's
 * Indices, flat over the whole tensor, are what MaxUnpool reads), then MaxUnpool at the
 * pool input's size.
 */
export const maxunpool: OpExport = (g, l) => {
  const attrs = l.layer.node.attrs as PoolAttrs;
  const poolInput = l.layer.inputShapes[1]!;
  const p = poolParams(attrs, poolInput);
  const [, indices] = g.nodeOutputs("MaxPool", [l.inputs[1]!], [part(l, "pooled"), part(l, "indices")], {
    kernel_shape: p.kernel,
    strides: p.stride,
    pads: p.padding,
    dilations: p.dilation,
    ceil_mode: attrs.ceil ? 1 : 0,
  });
  g.shapes.set(part(l, "pooled"), l.layer.inputShapes[0]!);
  const size = g.node("Shape", [l.inputs[1]!], part(l, "size"));
  g.node("MaxUnpool", [l.inputs[0]!, indices!, size], l.output, { kernel_shape: p.kernel, strides: p.stride, pads: p.padding });
};
