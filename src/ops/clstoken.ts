import { prependStep } from "../engine/kernels/tokens.js";
import type { Tensor } from "../engine/tensor.js";
import { ArgReader } from "./args.js";
import { requireSequence } from "./sequence.js";
import type { OpDef, ParameterContext } from "./types.js";

/**
 * The token, `<layer>` itself `[1, 1, D]` (zeros, as torchvision initialises it): a bare
 * parameter in PyTorch, so a layer named `class_token` reads torchvision's `class_token`.
 */
export function classTokenParameter(ctx: ParameterContext): Tensor {
  const features = requireSequence(ctx.inputShapes[0]!, "clstoken")[1];
  return ctx.weights.get(ctx.layer, [1, 1, features], { kind: "constant", value: 0 });
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
