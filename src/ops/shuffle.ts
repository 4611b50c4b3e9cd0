import { channelShuffle } from "../engine/kernels/shape.js";
import { asPositiveInt, ArgReader } from "./args.js";
import { requireImage } from "./shape.js";
import { ArgError, ShapeError, type OpDef } from "./types.js";

type ShuffleAttrs = { groups: number };

/**
 * ShuffleNet's channel shuffle: channels seen as GROUPS x C/GROUPS are transposed, so the
 * next grouped conv reads from every group. ONNX spells it Reshape → Transpose → Reshape.
 */
export const shuffle: OpDef<ShuffleAttrs> = {
  name: "shuffle",
  aliases: ["channelshuffle", "channel_shuffle"],
  category: "reshape",
  description: "channel shuffle (ShuffleNet): GROUPS",
  inputs: "one",
  compile(args) {
    const reader = new ArgReader(args, "shuffle");
    const groups = reader.positional("number") ?? reader.named("groups", "g");
    if (!groups) throw new ArgError("shuffle needs a number of groups", "write e.g. shuffle 2");
    reader.finish(["groups"]);
    return { groups: asPositiveInt(groups, "groups") };
  },
  outShape([input], attrs) {
    const image = requireImage(input!, "shuffle");
    if (image[2] % attrs.groups !== 0) throw new ShapeError(`shuffle: ${image[2]} channels do not split into ${attrs.groups} groups`);
    return [...image];
  },
  params: () => 0,
  macs: () => 0,
  describe: (attrs) => `g${attrs.groups}`,
  forward: ([x], attrs) => channelShuffle(x!, attrs.groups),
};
