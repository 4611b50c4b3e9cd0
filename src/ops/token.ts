import { selectStep } from "../engine/kernels/tokens.js";
import { asNumber, ArgReader } from "./args.js";
import { requireSequence } from "./sequence.js";
import { ArgError, ShapeError, type OpDef, type Shape } from "./types.js";

/** `index` counts from the start, or from the end when negative (`-1` is the last step), as Python indexes. */
export type TokenAttrs = { index: number };

/** The step a `token` layer picks from a sequence of `steps`, checked. */
export function tokenStep(input: Shape, attrs: TokenAttrs): number {
  const [steps] = requireSequence(input, "token");
  const step = attrs.index < 0 ? steps + attrs.index : attrs.index;
  if (step < 0 || step >= steps) throw new ShapeError(`token: step ${attrs.index} is outside its ${steps} steps`, `pick a step from 0 to ${steps - 1} (or -1 for the last)`);
  return step;
}

/** One step of a sequence as a vector (ViT's `x[:, 0]`, the class token; BERT's pooler input): `T×D` → `D`. */
export const token: OpDef<TokenAttrs> = {
  name: "token",
  category: "reshape",
  description: "picks one step of a sequence: [INDEX] (default 0; -1 the last), TxD in, D out",
  inputs: "one",
  compile(args) {
    const reader = new ArgReader(args, "token");
    const written = reader.positional("number") ?? reader.named("index");
    reader.finish(["index"]);
    const index = written ? asNumber(written, "index") : 0;
    if (!Number.isInteger(index)) throw new ArgError(`token: index must be a whole number, got ${index}`, "write e.g. token 0", "index");
    return { index };
  },
  outShape([input], attrs) {
    tokenStep(input!, attrs);
    return [input![1]!];
  },
  params: () => 0,
  macs: () => 0,
  describe: (attrs) => `step ${attrs.index}`,
  forward: ([x], attrs, ctx) => selectStep(x!, tokenStep(ctx.inputShapes[0]!, attrs)),
};
