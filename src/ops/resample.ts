import { upsampleBilinear, upsampleNearest, zeroPad2d } from "../engine/kernels/shape.js";
import { asNonNegativeInt, asPositiveInt, asWord, ArgReader } from "./args.js";
import { requireImage } from "./shape.js";
import { ArgError, type OpDef } from "./types.js";

type UpsampleAttrs = { scale: number[]; mode: string };

/** Upsampling by an integer factor (PyTorch `nn.Upsample`, nearest or bilinear, align_corners=False). */
export const upsample: OpDef<UpsampleAttrs> = {
  name: "upsample",
  aliases: ["upsampling"],
  category: "reshape",
  description: "upsampling: SCALE or SHxSW, mode=nearest|bilinear",
  inputs: "one",
  compile(args) {
    const reader = new ArgReader(args, "upsample");
    const scaleArg = reader.positional("number", "dims") ?? reader.named("scale", "factor");
    if (!scaleArg) throw new ArgError("upsample needs a scale factor", "write e.g. upsample 2");
    const scale = scaleArg.kind === "number" ? [asPositiveInt(scaleArg, "scale"), scaleArg.value] : scaleArg.kind === "dims" && scaleArg.dims.length === 2 ? scaleArg.dims : [];
    if (scale.length !== 2 || scale.some((s) => !Number.isInteger(s) || s < 1)) throw new ArgError("upsample scale must be a whole number or SHxSW");
    const modeArg = reader.named("mode");
    const mode = modeArg ? asWord(modeArg, "mode", ["nearest", "bilinear"] as const) : reader.flag("bilinear") ? "bilinear" : "nearest";
    reader.finish(["scale", "mode", "bilinear"]);
    return { scale, mode };
  },
  outShape([input], attrs) {
    const [h, w, c] = requireImage(input!, "upsample");
    return [h * attrs.scale[0]!, w * attrs.scale[1]!, c];
  },
  params: () => 0,
  macs: () => 0,
  receptive: (_inputs, attrs) => ({ kernel: [1, 1], stride: [1 / attrs.scale[0]!, 1 / attrs.scale[1]!] }),
  describe: (attrs) => `×${attrs.scale[0]}`,
  forward([x], attrs) {
    const scale: [number, number] = [attrs.scale[0]!, attrs.scale[1]!];
    return attrs.mode === "bilinear" ? upsampleBilinear(x!, scale) : upsampleNearest(x!, scale);
  },
};

type ZeroPadAttrs = { padding: number[] };

/** Zero padding of the spatial border (PyTorch `nn.ZeroPad2d`): P, PHxPW or top,left,bottom,right. */
export const zeropad: OpDef<ZeroPadAttrs> = {
  name: "zeropad",
  aliases: ["zeropad2d", "pad"],
  category: "reshape",
  description: "zero padding: P, PHxPW, or TxLxBxR (top, left, bottom, right)",
  inputs: "one",
  compile(args) {
    const reader = new ArgReader(args, "zeropad");
    const arg = reader.positional("number", "dims") ?? reader.named("pad", "padding");
    if (!arg) throw new ArgError("zeropad needs a padding", "write e.g. zeropad 1");
    let padding: number[];
    if (arg.kind === "number") {
      const p = asNonNegativeInt(arg, "pad");
      padding = [p, p, p, p];
    } else if (arg.kind === "dims" && arg.dims.length === 2) {
      padding = [arg.dims[0]!, arg.dims[1]!, arg.dims[0]!, arg.dims[1]!];
    } else if (arg.kind === "dims" && arg.dims.length === 4) {
      padding = arg.dims;
    } else {
      throw new ArgError("zeropad takes P, PHxPW or TxLxBxR");
    }
    reader.finish(["pad"]);
    return { padding };
  },
  outShape([input], attrs) {
    const [h, w, c] = requireImage(input!, "zeropad");
    const [t, l, b, r] = attrs.padding as [number, number, number, number];
    return [h + t + b, w + l + r, c];
  },
  params: () => 0,
  macs: () => 0,
  describe: (attrs) => `+${attrs.padding[0]}`,
  forward: ([x], attrs) => zeroPad2d(x!, attrs.padding as [number, number, number, number]),
};
