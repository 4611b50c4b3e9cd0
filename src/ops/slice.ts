import { sliceChannels } from "../engine/kernels/slice.js";
import { asNonNegativeInt, asPositiveInt, ArgReader } from "./args.js";
import { channels, writtenShape } from "./shape.js";
import { ArgError, ShapeError, type OpDef } from "./types.js";

type SliceAttrs = { channels: number; from: number };

/**
 * A run of channels: `slice 58 from=58` keeps channels 58…115, what `x.chunk(2, dim=1)[1]`
 * (ShuffleNet V2's split) and a tower's share of a layer run over every lane compute.
 */
export const slice: OpDef<SliceAttrs> = {
  name: "slice",
  aliases: ["split"],
  category: "reshape",
  description: "a run of channels: slice COUNT from=START (from=0 by default)",
  inputs: "one",
  compile(args) {
    const reader = new ArgReader(args, "slice");
    const count = reader.positional("number") ?? reader.named("channels");
    if (!count) throw new ArgError("slice needs a number of channels", "write e.g. slice 58 from=58");
    const from = reader.named("from");
    reader.finish(["channels", "from"]);
    return { channels: asPositiveInt(count, "channels"), from: from ? asNonNegativeInt(from, "from") : 0 };
  },
  outShape([input], attrs) {
    const available = channels(input!);
    if (attrs.from + attrs.channels > available) {
      throw new ShapeError(`slice: channels ${attrs.from}…${attrs.from + attrs.channels - 1} are past the ${available} of ${writtenShape(input!)}`);
    }
    return [...input!.slice(0, -1), attrs.channels];
  },
  params: () => 0,
  macs: () => 0,
  describe: (attrs) => `ch ${attrs.from}–${attrs.from + attrs.channels - 1}`,
  forward: ([x], attrs) => sliceChannels(x!, attrs.from, attrs.channels),
};
