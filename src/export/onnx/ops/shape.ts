import { chwFromShape } from "../../../engine/tensor.js";
import { shortcutStrides } from "../../../ops/shortcut.js";
import { channelAxis, part, type OpExport } from "../builder.js";

/** Flatten from axis 1: C, H, W order, PyTorch's and the engine's. */
export const flatten: OpExport = (g, l) => {
  g.node("Flatten", [l.inputs[0]!], l.output, { axis: 1 });
};

/** Reshape in PyTorch's element order; the leading 0 keeps the batch dimension, fixed or symbolic. */
export const reshape: OpExport = (g, l) => {
  g.node("Reshape", [l.inputs[0]!, g.ints(part(l, "shape"), [0, ...chwFromShape(l.layer.shape)])], l.output);
};

/** Channel shuffle as PyTorch exports it: Reshape to [N, G, C/G, H, W], swap axes 1 and 2, Reshape back. */
export const shuffle: OpExport = (g, l) => {
  const groups = l.layer.node.attrs.groups as number;
  const [h, w, c] = l.layer.inputShapes[0]!;
  const grouped = g.node("Reshape", [l.inputs[0]!, g.ints(part(l, "groups_shape"), [0, groups, c! / groups, h!, w!])], part(l, "grouped"));
  const swapped = g.node("Transpose", [grouped], part(l, "transposed"), { perm: [0, 2, 1, 3, 4] });
  g.node("Reshape", [swapped, g.ints(part(l, "shape"), [0, c!, h!, w!])], l.output);
};

/** Zero padding of H and W: ONNX pads are all begins then all ends, N, C, H, W. */
export const zeropad: OpExport = (g, l) => {
  const [t, left, b, r] = l.layer.node.attrs.padding as number[];
  g.node("Pad", [l.inputs[0]!, g.ints(part(l, "pads"), [0, 0, t!, left!, 0, 0, b!, r!])], l.output, { mode: "constant" });
};

/**
 * Resize by whole factors. Nearest is PyTorch's (source index floor(o / s): asymmetric
 * coordinates, floor); bilinear is align_corners=False, ONNX's half_pixel.
 */
export const upsample: OpExport = (g, l) => {
  const [sh, sw] = l.layer.node.attrs.scale as number[];
  const scales = g.weight(part(l, "scales"), { shape: [4], data: Float32Array.of(1, 1, sh!, sw!) });
  const bilinear = l.layer.node.attrs.mode === "bilinear";
  g.node("Resize", [l.inputs[0]!, "", scales], l.output, bilinear
    ? { mode: "linear", coordinate_transformation_mode: "half_pixel" }
    : { mode: "nearest", coordinate_transformation_mode: "asymmetric", nearest_mode: "floor" });
};

/**
 * ResNet's option-A shortcut: every s-th pixel (a strided Slice of H and W), then zero
 * channels appended after the input's (Pad of the channel axis's end).
 */
export const chanpad: OpExport = (g, l) => {
  const [input, target] = l.layer.inputShapes;
  const [h, w, c] = input!;
  const [sh, sw] = shortcutStrides(input!, target!, "zeropad shortcut");
  const extra = target![2]! - c!;
  let x = l.inputs[0]!;
  if (sh !== 1 || sw !== 1) {
    const inputs = [x, g.ints(part(l, "starts"), [0, 0]), g.ints(part(l, "ends"), [h!, w!]), g.ints(part(l, "axes"), [2, 3]), g.ints(part(l, "steps"), [sh, sw])];
    x = g.node("Slice", inputs, extra > 0 ? part(l, "subsampled") : l.output, {}, { shape: [target![0]!, target![1]!, c!] });
  }
  if (extra > 0) g.node("Pad", [x, g.ints(part(l, "pads"), [0, 0, 0, 0, 0, extra, 0, 0])], l.output, { mode: "constant" });
  else if (x === l.inputs[0]) g.node("Identity", [x], l.output);
};

/** A run of channels: Slice of the channel axis, as PyTorch exports `x[:, a:b]`. */
export const slice: OpExport = (g, l) => {
  const { from, channels } = l.layer.node.attrs as { from: number; channels: number };
  const bounds = [g.ints(part(l, "starts"), [from]), g.ints(part(l, "ends"), [from + channels]), g.ints(part(l, "axes"), [channelAxis(l.layer.shape)])];
  g.node("Slice", [l.inputs[0]!, ...bounds], l.output);
};
