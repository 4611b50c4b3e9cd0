import { conv2dParams } from "../engine/kernels/conv.js";
import { shortcutZeroPad } from "../engine/kernels/shape.js";
import { convWeights, type ConvWeights } from "../engine/params.js";
import { asBool, ArgReader } from "./args.js";
import { writtenShape, requireImage } from "./shape.js";
import { ShapeError, type OpDef, type ParameterContext } from "./types.js";
import type { Shape } from "./types.js";

/**
 * Residual shortcuts that must match the main branch of their `add`. The compiler
 * stores the main branch's last layer in `target`; the analysis passes its shape as the
 * second input shape, so the shortcut's stride and channels follow from the figure itself.
 */
export type ShortcutAttrs = { target: string; bias: boolean };

/** The stride `s` with which a 1x1 window maps `n` pixels onto `t`: `floor((n-1)/s)+1 = t`. */
export function shortcutStride(n: number, t: number, layer: string): number {
  const s = Math.ceil(n / t);
  if (t > n || Math.floor((n - 1) / s) + 1 !== t) {
    throw new ShapeError(`${layer}: no stride maps ${n} pixels onto ${t}`, "the main branch must downsample by a whole factor");
  }
  return s;
}

/** The stride along H and W with which a shortcut maps its input onto its target's size. */
export function shortcutStrides(input: Shape, target: Shape, layer: string): [number, number] {
  const [h, w] = requireImage(input, layer);
  const [th, tw] = requireImage(target, layer);
  return [shortcutStride(h, th, layer), shortcutStride(w, tw, layer)];
}

/** proj's 1x1 weight `[M, C, 1, 1]` and bias, as its forward and `netfig export` read them. */
export function projParameters(attrs: ShortcutAttrs, ctx: ParameterContext): ConvWeights {
  const [input, target] = ctx.inputShapes as [Shape, Shape];
  return convWeights(ctx.weights, ctx.layer, input[2]!, target[2]!, [1, 1], 1, attrs.bias);
}

/** ResNet option B: a 1x1 convolution with the stride and channels of the main branch. */
export const proj: OpDef<ShortcutAttrs> = {
  name: "proj",
  aliases: ["projection"],
  category: "shortcut",
  shortcutHeads: ["proj", "projection"],
  description: "projection shortcut (ResNet option B): a 1x1 conv matching the main branch; bias= (default false)",
  inputs: "one",
  compile(args) {
    const reader = new ArgReader(args, "proj");
    const bias = reader.named("bias");
    reader.finish(["bias"]);
    return { target: "", bias: bias ? asBool(bias, "bias") : false };
  },
  outShape([input, target]) {
    shortcutStrides(input!, target!, "proj");
    return [...target!];
  },
  params([input], out, attrs) {
    const c = out[2]!;
    return input![2]! * c + (attrs.bias ? c : 0);
  },
  macs([input], out) {
    return out[0]! * out[1]! * out[2]! * input![2]!;
  },
  receptive([input, target]) {
    const s = shortcutStrides(input!, target!, "proj");
    return { kernel: [1, 1], stride: s };
  },
  describe: () => "1×1",
  absorbsEpilogue: true,
  forward([x], attrs, ctx) {
    const [input, target] = ctx.inputShapes as [Shape, Shape];
    const { weight, bias } = projParameters(attrs, ctx);
    return ctx.pool.conv2d(x!, weight, bias, conv2dParams({ stride: shortcutStrides(input, target, "proj") }), ctx.epilogue);
  },
};

/** ResNet option A: subsample by the stride and fill the extra channels with zeros; no parameters. */
export const chanpad: OpDef<ShortcutAttrs> = {
  name: "chanpad",
  category: "shortcut",
  shortcutHeads: ["zeropad"],
  description: "zero-padding shortcut (ResNet option A): subsample and add zero channels",
  inputs: "one",
  compile(args) {
    new ArgReader(args, "zeropad shortcut").finish();
    return { target: "", bias: false };
  },
  outShape([input, target]) {
    shortcutStrides(input!, target!, "zeropad shortcut");
    if (target![2]! < input![2]!) {
      throw new ShapeError(`zeropad shortcut: cannot shrink ${writtenShape(input!)} to ${writtenShape(target!)} channels`, "use proj instead");
    }
    return [...target!];
  },
  params: () => 0,
  macs: () => 0,
  receptive([input, target]) {
    return { kernel: [1, 1], stride: shortcutStrides(input!, target!, "zeropad shortcut") };
  },
  // The paper's option A: the extra channels are zeros appended after the input's.
  forward([x], _attrs, ctx) {
    const [input, target] = ctx.inputShapes as [Shape, Shape];
    return shortcutZeroPad(x!, shortcutStrides(input, target, "zeropad shortcut"), target[2]!, 0);
  },
};
