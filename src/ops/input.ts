import { ArgReader } from "./args.js";
import { ArgError, type OpDef } from "./types.js";

type InputAttrs = { shape: number[] };

/** A network input: `HxWxC` (image), `N` (vector) or `TxN` (sequence). */
export const input: OpDef<InputAttrs> = {
  name: "input",
  category: "input",
  description: "network input: HxWxC image, N vector, or TxN sequence",
  inputs: "none",
  compile(args) {
    const reader = new ArgReader(args, "input");
    const arg = reader.positional("dims", "number") ?? reader.named("shape");
    if (!arg) throw new ArgError("input needs a shape", "write e.g. input 224x224x3, input 100 or input 35x128");
    const shape = arg.kind === "number" ? [arg.value] : arg.kind === "dims" && !arg.stride ? arg.dims : [];
    if (shape.length === 0 || shape.length > 3 || shape.some((d) => !Number.isInteger(d) || d < 1)) {
      throw new ArgError("input shape must be HxWxC, N or TxN with positive whole numbers");
    }
    reader.finish(["shape"]);
    return { shape };
  },
  outShape: (_inputs, attrs) => [...attrs.shape],
  params: () => 0,
  macs: () => 0,
};
