import { ArgReader } from "./args.js";
import { ArgError, ShapeError, type OpDef } from "./types.js";

/** `type`: the foreign op's name (ONNX op_type); `shape`: its output when the file states it. */
type OpaqueAttrs = { type: string; shape: number[] | null };

/**
 * A layer netfig has no rule for, kept so the figure still shows it (an unknown ONNX op).
 * Its output shape is whatever the source file declares; without one, nothing after it
 * can be sized, and the analysis says so at this layer.
 */
export const opaque: OpDef<OpaqueAttrs> = {
  name: "opaque",
  category: "opaque",
  description: "a layer known only by name and output shape: opaque type=NAME shape=HxWxC",
  inputs: "many",
  compile(args) {
    const reader = new ArgReader(args, "opaque");
    const type = reader.positional("word", "string") ?? reader.named("type");
    if (!type || (type.kind !== "word" && type.kind !== "string")) throw new ArgError("opaque needs the layer's type", "write e.g. opaque type=GridSample shape=56x56x64");
    const shapeArg = reader.named("shape");
    const shape = shapeArg === undefined ? null : shapeArg.kind === "number" ? [shapeArg.value] : shapeArg.kind === "dims" && !shapeArg.stride ? shapeArg.dims : [];
    if (shape && (shape.length === 0 || shape.length > 3 || shape.some((d) => !Number.isInteger(d) || d < 1))) {
      throw new ArgError("opaque shape must be HxWxC, TxN or N with positive whole numbers", undefined, "shape");
    }
    reader.finish(["type", "shape"]);
    return { type: type.value, shape };
  },
  outShape(_inputs, attrs) {
    if (!attrs.shape) throw new ShapeError(`opaque ${attrs.type}: output shape unknown`, "the source file gives no shape for it; netfig cannot size the layers after it");
    return [...attrs.shape];
  },
  params: () => 0,
  macs: () => 0,
  describe: (attrs) => attrs.type,
  legendName: (attrs) => attrs.type,
};
