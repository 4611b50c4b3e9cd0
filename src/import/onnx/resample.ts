import { arg, args } from "./context.js";
import { data, unknown, window, type Mapper } from "./inputs.js";
import type { Value } from "./values.js";

/** Resize and Upsample, LpPool, ReduceMean over H and W: the layers PyTorch's nn.Upsample, nn.LPPool2d and x.mean([2, 3]) export as. */

/** Resize's coordinate modes that, at a whole-number scale, pick the pixels netfig's nearest upsampling picks (source floor(o / s)). */
const NEAREST = [
  ["asymmetric", "floor"],
  ["half_pixel", "round_prefer_floor"],
  ["pytorch_half_pixel", "round_prefer_floor"],
].map((pair) => pair.join());

/** Resize (X, roi, scales, sizes) and Upsample (X, scales, or the scales attribute of opset 7) by whole factors: `upsample`. */
export const resize: Mapper = (ctx, node, a): Value => {
  const input = data(ctx, node, 0);
  if (input.shape?.length !== 3) return unknown(ctx, node);
  const [h, w] = input.shape as [number, number, number];
  const constant = (index: number) => {
    const value = ctx.value(node, index);
    return value?.kind === "const" && value.values && value.values.length === 4 ? (value.values as number[]) : undefined;
  };
  const upsample = node.opType === "Upsample";
  const scales = a.has("scales") ? a.ints("scales") : constant(upsample ? 1 : 2);
  const sizes = upsample ? undefined : constant(3);
  const factors = sizes ? [sizes[2]! / h, sizes[3]! / w] : scales ? [scales[2]!, scales[3]!] : undefined;
  const batchAndChannels = sizes ? sizes[1] === input.shape[2] : scales?.[0] === 1 && scales[1] === 1;
  if (!factors || !batchAndChannels || factors.some((f) => !Number.isInteger(f) || f < 1)) return unknown(ctx, node);
  const mode = a.string("mode", "nearest");
  const coordinates = a.string("coordinate_transformation_mode", "half_pixel");
  const halfPixel = coordinates === "half_pixel" || coordinates === "pytorch_half_pixel";
  let netfigMode: string | undefined;
  if (mode === "nearest" && (upsample || NEAREST.includes([coordinates, a.string("nearest_mode", "round_prefer_floor")].join()))) netfigMode = "nearest";
  // Upsample of opset 9 has no coordinate mode: it is asymmetric, which for linear is not PyTorch's align_corners=False.
  if ((mode === "linear" || mode === "bilinear") && !upsample && halfPixel) netfigMode = "bilinear";
  if (!netfigMode) return unknown(ctx, node);
  return ctx.emit(node, "upsample", args([arg.dims(factors)], { mode: arg.word(netfigMode) }), [input]);
};

/** LpPool with p = 2 is `l2pool` (nn.LPPool2d(2, …)). */
export const lpPool: Mapper = (ctx, node, a) => {
  const spec = window(ctx, node, a, a.ints("kernel_shape") ?? []);
  if (!spec || a.int("p", 2) !== 2 || a.int("ceil_mode", 0) !== 0) return unknown(ctx, node);
  const { dilation: _none, ...named } = spec.named;
  return ctx.emit(node, "l2pool", args([spec.kernel], named), [data(ctx, node, 0)]);
};

/** ReduceMean over H and W is global average pooling, then a flatten when the reduced axes are dropped. */
export const reduceMean: Mapper = (ctx, node, a) => {
  const source = ctx.value(node, 0);
  // tf2onnx averages a channels-last image over axes 1 and 2 (Keras' GlobalAveragePooling2D).
  const [input, spatial] = source?.kind === "nhwc" ? [source.base, [1, 2]] : [data(ctx, node, 0), [2, 3]];
  const axesInput = ctx.value(node, 1);
  const axes = a.ints("axes") ?? (axesInput?.kind === "const" ? (axesInput.values as number[] | undefined) : undefined);
  const normalized = axes?.map((x) => (x < 0 ? x + 4 : x)).sort();
  if (input.shape?.length !== 3 || normalized?.join() !== spatial.join()) return unknown(ctx, node);
  const pooled = ctx.emit(node, "globalavgpool", args(), [input]);
  return a.int("keepdims", 1) === 1 ? pooled : ctx.emit(node, "flatten", args(), [pooled]);
};
