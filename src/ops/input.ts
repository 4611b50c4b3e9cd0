import { asPositiveInt, ArgReader } from "./args.js";
import { ArgError, type OpDef } from "./types.js";

/** `tokens`: the input holds token ids in [0, tokens), an embedding's vocabulary. */
type InputAttrs = { shape: number[]; tokens?: number };

/** A network input: `HxWxC` (image), `N` (vector) or `TxN` (sequence). */
export const input: OpDef<InputAttrs> = {
  name: "input",
  category: "input",
  description: "network input: HxWxC image, N vector, TxN sequence, or T tokens=VOCABULARY (token ids)",
  inputs: "none",
  compile(args) {
    const reader = new ArgReader(args, "input");
    const arg = reader.positional("dims", "number") ?? reader.named("shape");
    if (!arg) throw new ArgError("input needs a shape", "write e.g. input 224x224x3, input 100 or input 35x128");
    const shape = arg.kind === "number" ? [arg.value] : arg.kind === "dims" && !arg.stride ? arg.dims : [];
    if (shape.length === 0 || shape.length > 3 || shape.some((d) => !Number.isInteger(d) || d < 1)) {
      throw new ArgError("input shape must be HxWxC, N or TxN with positive whole numbers");
    }
    const tokens = reader.named("tokens");
    reader.finish(["shape", "tokens"]);
    if (tokens && shape.length !== 1) throw new ArgError("an input of tokens is a sequence of ids: input T tokens=VOCABULARY", undefined, "tokens");
    return tokens ? { shape, tokens: asPositiveInt(tokens, "tokens") } : { shape };
  },
  outShape: (_inputs, attrs) => [...attrs.shape],
  params: () => 0,
  macs: () => 0,
};
