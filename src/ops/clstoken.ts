import { ArgReader } from "./args.js";
import { requireSequence } from "./sequence.js";
import type { OpDef } from "./types.js";

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
};
