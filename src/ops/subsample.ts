import { subsample2d } from "../engine/kernels/lenet.js";
import { ArgReader } from "./args.js";
import { poolParams, type PoolAttrs } from "./pool.js";
import { channels, requireImage } from "./shape.js";
import type { OpDef, ParameterContext } from "./types.js";
import { describeWindow, readWindow, windowAttrs, windowFromAttrs, windowReceptive, windowShape } from "./window.js";

type SubsampleAttrs = PoolAttrs;

/** `<layer>.weight` (the coefficient, one per map, ones) and `<layer>.bias` (zeros), `[C]` each. */
export function subsampleParameters(ctx: ParameterContext): { coefficient: Float32Array; bias: Float32Array } {
  const c = channels(ctx.inputShapes[0]!);
  return {
    coefficient: ctx.weights.get(`${ctx.layer}.weight`, [c], { kind: "constant", value: 1 }).data,
    bias: ctx.weights.get(`${ctx.layer}.bias`, [c], { kind: "constant", value: 0 }).data,
  };
}

/**
 * LeNet-5's trainable subsampling (S2, S4; LeCun et al., 1998): the sum of each window
 * times a trainable coefficient per map, plus a trainable bias per map, 2 parameters a map.
 */
export const subsample: OpDef<SubsampleAttrs> = {
  name: "subsample",
  aliases: ["subsampling"],
  category: "pool",
  description: "LeNet's trainable subsampling, window sum × coefficient + bias per map: KxK[/S]",
  inputs: "one",
  compile(args) {
    const reader = new ArgReader(args, "subsample");
    const window = readWindow(reader, "subsample", { stride: "kernel", kernelRequired: true });
    reader.finish(["kernel", "stride"]);
    return { ...windowAttrs(window), ceil: false, includePad: true };
  },
  outShape([input], attrs) {
    const image = requireImage(input!, "subsample");
    const [h, w] = windowShape(windowFromAttrs(attrs), image, "subsample");
    return [h, w, channels(image)];
  },
  params: ([input]) => 2 * channels(input!),
  macs: () => 0,
  receptive: (_inputs, attrs) => windowReceptive(windowFromAttrs(attrs)),
  describe: (attrs) => describeWindow(windowFromAttrs(attrs)),
  forward([x], attrs, ctx) {
    const { coefficient, bias } = subsampleParameters(ctx);
    return subsample2d(x!, poolParams(attrs, ctx.inputShapes[0]!), coefficient, bias);
  },
};
