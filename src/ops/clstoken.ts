import { prependStep } from "../engine/kernels/tokens.js";
import type { Tensor } from "../engine/tensor.js";
import { ArgReader } from "./args.js";
import { requireSequence } from "./sequence.js";
import type { OpDef, ParameterContext } from "./types.js";

/**
 * The token, `<layer>.weight` `[1, 1, D]`: torchvision's bare `class_token` parameter, zeros as
 * torchvision initialises it. (Named `.weight` like every other parameter: the layer's id
 * itself names its output tensor in an ONNX export.)
 */
export function classTokenParameter(ctx: ParameterContext): Tensor {
  const features = requireSequence(ctx.inputShapes[0]!, "clstoken")[1];
  return ctx.weights.get(`${ctx.layer}.weight`, [1, 1, features], { kind: "constant", value: 0 });
}


/** A learned class token prepended to a sequence (ViT's `class_token`, BERT's `[CLS]`): `T×D` → `(T+1)×D`. */
export const clstoken: OpDef<Record<string, never>> = {
  name: "clstoken",
  aliases: ["classtoken"],
  category: "embedding",
  description: "prepends one learned token: TxD in, (T+1)xD out",
  inputs: "one",
  compile(args) {
    new ArgReader(args, "clstoken").finish();
    return {};
  },
  outShape([input]) {
    const [steps, features] = requireSequence(input!, "clstoken");
    return [steps + 1, features];
  },
  params: ([input]) => requireSequence(input!, "clstoken")[1],
  macs: () => 0,
  forward: ([x], _attrs, ctx) => prependStep(x!, classTokenParameter(ctx).data),
};
