import { asBool, asPositiveInt, ArgReader } from "./args.js";
import { channels, requireImage } from "./shape.js";
import { ArgError, ShapeError, type OpDef, type ParameterContext } from "./types.js";
import { conv2dParams } from "../engine/kernels/conv.js";
import { convWeights, type ConvWeights } from "../engine/params.js";
import { describeWindow, readWindow, resolvePadding, windowAttrs, windowFromAttrs, windowReceptive, windowShape } from "./window.js";

export type ConvAttrs = {
  filters: number;
  kernel: number[];
  stride: number[];
  padding: number[] | string;
  dilation: number[];
  groups: number;
  bias: boolean;
};

/** Reads the arguments conv and deconv share: `FILTERS KxK[/S] pad= dilation= groups= bias=`. */
export function readConvArgs(reader: ArgReader, op: string): ConvAttrs {
  const filtersArg = reader.positional("number") ?? reader.named("filters", "channels", "out");
  if (!filtersArg) throw new ArgError(`${op} needs a number of filters`, `write e.g. ${op} 64 3x3`);
  const filters = asPositiveInt(filtersArg, "filters");
  const window = readWindow(reader, op, { stride: 1, kernelRequired: true });
  const groupsArg = reader.named("groups", "g");
  const groups = groupsArg ? asPositiveInt(groupsArg, "groups") : 1;
  if (filters % groups !== 0) throw new ArgError(`${op}: ${filters} filters do not split into ${groups} groups`, undefined, "groups");
  const biasArg = reader.named("bias");
  const bias = reader.flag("nobias") ? false : biasArg ? asBool(biasArg, "bias") : true;
  return { filters, ...windowAttrs(window), groups, bias };
}

export function checkGroups(op: string, layerInput: number, groups: number): void {
  if (layerInput % groups !== 0) {
    throw new ShapeError(`${op}: ${layerInput} input channels do not split into ${groups} groups`, "groups must divide both the input channels and the filters");
  }
}

/** conv's weight `[M, C/groups, kh, kw]` and bias, as its forward and `netfig export` read them. */
export function convParameters(attrs: ConvAttrs, ctx: ParameterContext): ConvWeights {
  return convWeights(ctx.weights, ctx.layer, channels(ctx.inputShapes[0]!), attrs.filters, [attrs.kernel[0]!, attrs.kernel[1]!], attrs.groups, attrs.bias);
}

/** 2-D convolution (PyTorch `nn.Conv2d`): cross-correlation with stride, padding, dilation, groups. */
export const conv: OpDef<ConvAttrs> = {
  name: "conv",
  aliases: ["conv2d"],
  category: "conv",
  description: "2-D convolution: FILTERS KxK[/S] pad= dilation= groups= bias=",
  inputs: "one",
  literalWeights: true,
  compile(args) {
    const reader = new ArgReader(args, "conv");
    const attrs = readConvArgs(reader, "conv");
    reader.finish(["filters", "kernel", "stride", "pad", "dilation", "groups", "bias", "nobias"]);
    return attrs;
  },
  outShape([input], attrs) {
    const image = requireImage(input!, "conv");
    checkGroups("conv", image[2], attrs.groups);
    const [h, w] = windowShape(windowFromAttrs(attrs), image, "conv");
    return [h, w, attrs.filters];
  },
  params([input], _out, attrs) {
    const perFilter = (channels(input!) / attrs.groups) * attrs.kernel[0]! * attrs.kernel[1]!;
    return attrs.filters * perFilter + (attrs.bias ? attrs.filters : 0);
  },
  macs([input], out, attrs) {
    return out[0]! * out[1]! * attrs.filters * (channels(input!) / attrs.groups) * attrs.kernel[0]! * attrs.kernel[1]!;
  },
  receptive(_inputs, attrs) {
    return windowReceptive(windowFromAttrs(attrs));
  },
  describe(attrs) {
    return describeWindow(windowFromAttrs(attrs)) + (attrs.groups > 1 ? ` g${attrs.groups}` : "");
  },
  forward([x], attrs, ctx) {
    const [h, w] = ctx.inputShapes[0]!;
    const { weight, bias } = convParameters(attrs, ctx);
    const padding = resolvePadding(windowFromAttrs(attrs), h!, w!);
    const stride: [number, number] = [attrs.stride[0]!, attrs.stride[1]!];
    const dilation: [number, number] = [attrs.dilation[0]!, attrs.dilation[1]!];
    return ctx.pool.conv2d(x!, weight, bias, conv2dParams({ stride, padding, dilation, groups: attrs.groups }));
  },
};

