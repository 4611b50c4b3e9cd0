import { centerCrop } from "../engine/kernels/crop.js";
import { asPair, ArgReader } from "./args.js";
import { requireImage, writtenShape } from "./shape.js";
import { ArgError, ShapeError, type OpDef, type Shape } from "./types.js";

/** A fixed size, or `null` when the size is another layer's (`like=`), whose shape the analysis gives as the second input shape. */
type CropAttrs = { size: number[] | null; target?: string };

/** The `[h, w]` a crop cuts to: its own size, or the spatial size of the layer `like=` names. */
function cropSize(inputs: Shape[], attrs: CropAttrs): [number, number] {
  if (attrs.size) return [attrs.size[0]!, attrs.size[1]!];
  const [h, w] = requireImage(inputs[1]!, "crop like=");
  return [h, w];
}

/**
 * Centre crop (U-Net's crop before concatenating a skip): to `HxW`, or to the spatial size
 * of another layer (`like=up4`), as `torchvision.transforms.functional.center_crop` does
 * when the margin is even; an odd margin leaves its extra row and column at the bottom and right.
 */
export const crop: OpDef<CropAttrs> = {
  name: "crop",
  aliases: ["centercrop"],
  category: "reshape",
  description: "centre crop to HxW, or to another layer's size: crop like=LAYER",
  inputs: "one",
  // Drawn as the arrow it sits on, as the U-Net paper draws its "copy and crop" arrows.
  passThrough: true,
  // The size is the named layer's, not its data: like a shortcut's target it is no input
  // (no arrow), and the analysis hands its shape over after the input's.
  references: { like: (layer) => ({ inputs: [], attrs: { target: layer.id } }) },
  compile(args) {
    const reader = new ArgReader(args, "crop");
    const sizeArg = reader.positional("dims", "number") ?? reader.named("size");
    const like = reader.named("like");
    reader.finish(["size", "like"]);
    if (sizeArg && like) throw new ArgError("crop takes a size or like=, not both", undefined, "like");
    if (like) {
      if (like.kind !== "word") throw new ArgError("crop like= names a layer above", "write e.g. crop like=up4", "like");
      return { size: null };
    }
    if (!sizeArg) throw new ArgError("crop needs a size or like=LAYER", "write e.g. crop 56x56 or crop like=up4");
    return { size: asPair(sizeArg, "size") };
  },
  outShape(inputs, attrs) {
    const [h, w, c] = requireImage(inputs[0]!, "crop");
    const [ch, cw] = cropSize(inputs, attrs);
    if (ch > h || cw > w) throw new ShapeError(`crop: ${ch}x${cw} is larger than its ${writtenShape([h, w, c])} input`, "crop to a size at most the input's");
    return [ch, cw, c];
  },
  params: () => 0,
  macs: () => 0,
  describe: (attrs) => (attrs.size ? `→${attrs.size[0]}×${attrs.size[1]}` : `like ${String(attrs.target).slice(String(attrs.target).lastIndexOf(".") + 1)}`),
  forward: ([x], attrs, ctx) => centerCrop(x!, cropSize(ctx.inputShapes, attrs)),
};
