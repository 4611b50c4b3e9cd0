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
  /**
   * A connection table (LeNet-5's Table I): `table[c · filters + m]` is 1 when output map m
   * reads input map c, 0 when it does not; absent, every map reads every input.
   */
  table?: number[];
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

/** Reads `table=`: a C×FILTERS list of 0s and 1s, one row per input map. */
function readTable(reader: ArgReader, filters: number, groups: number): number[] | undefined {
  const table = reader.named("table");
  if (!table) return undefined;
  const hint = `write one row per input map, ${filters} 0s and 1s each (LeNet-5's Table I)`;
  if (table.kind !== "tensor" || table.shape.length !== 2) throw new ArgError("conv table= is a list of rows of 0s and 1s", hint, "table");
  if (table.shape[1] !== filters) throw new ArgError(`conv table= has ${table.shape[1]} columns for ${filters} filters`, hint, "table");
  if (table.data.some((v) => v !== 0 && v !== 1)) throw new ArgError("conv table= holds only 0s and 1s", hint, "table");
  if (groups !== 1) throw new ArgError("conv takes a connection table or groups, not both", undefined, "table");
  for (let m = 0; m < filters; m++) {
    if (!table.data.some((v, i) => i % filters === m && v === 1)) throw new ArgError(`conv table= connects output map ${m + 1} to no input`, hint, "table");
  }
  return table.data;
}

/** The input maps a connection table names, or a ShapeError when they are not the layer's input. */
function tableConnections(table: number[], filters: number, inputChannels: number): number {
  if (table.length !== inputChannels * filters) {
    throw new ShapeError(`conv: its table has ${table.length / filters} rows for ${inputChannels} input maps`, "write one row of the table per input map");
  }
  return table.reduce((sum, v) => sum + v, 0);
}

/**
 * conv's weight `[M, C/groups, kh, kw]` and bias, as its forward and `netfig export` read them;
 * with a connection table, the weights of unconnected map pairs are zero.
 */
export function convParameters(attrs: ConvAttrs, ctx: ParameterContext): ConvWeights {
  const inputChannels = channels(ctx.inputShapes[0]!);
  const weights = convWeights(ctx.weights, ctx.layer, inputChannels, attrs.filters, [attrs.kernel[0]!, attrs.kernel[1]!], attrs.groups, attrs.bias);
  if (!attrs.table) return weights;
  const table = attrs.table;
  const plane = attrs.kernel[0]! * attrs.kernel[1]!;
  const masked = Float32Array.from(weights.weight.data);
  for (let m = 0; m < attrs.filters; m++) {
    for (let c = 0; c < inputChannels; c++) {
      if (table[c * attrs.filters + m] === 0) masked.fill(0, (m * inputChannels + c) * plane, (m * inputChannels + c + 1) * plane);
    }
  }
  return { weight: { shape: weights.weight.shape, data: masked }, bias: weights.bias };
}

/** 2-D convolution (PyTorch `nn.Conv2d`): cross-correlation with stride, padding, dilation, groups. */
export const conv: OpDef<ConvAttrs> = {
  name: "conv",
  aliases: ["conv2d"],
  category: "conv",
  description: "2-D convolution: FILTERS KxK[/S] pad= dilation= groups= bias= table=",
  inputs: "one",
  literalWeights: true,
  compile(args) {
    const reader = new ArgReader(args, "conv");
    const attrs = readConvArgs(reader, "conv");
    const table = readTable(reader, attrs.filters, attrs.groups);
    reader.finish(["filters", "kernel", "stride", "pad", "dilation", "groups", "bias", "nobias", "table"]);
    return table ? { ...attrs, table } : attrs;
  },
  outShape([input], attrs) {
    const image = requireImage(input!, "conv");
    checkGroups("conv", image[2], attrs.groups);
    if (attrs.table) tableConnections(attrs.table, attrs.filters, image[2]);
    const [h, w] = windowShape(windowFromAttrs(attrs), image, "conv");
    return [h, w, attrs.filters];
  },
  params([input], _out, attrs) {
    const bias = attrs.bias ? attrs.filters : 0;
    if (attrs.table) return tableConnections(attrs.table, attrs.filters, channels(input!)) * attrs.kernel[0]! * attrs.kernel[1]! + bias;
    const perFilter = (channels(input!) / attrs.groups) * attrs.kernel[0]! * attrs.kernel[1]!;
    return attrs.filters * perFilter + bias;
  },
  macs([input], out, attrs) {
    if (attrs.table) return out[0]! * out[1]! * tableConnections(attrs.table, attrs.filters, channels(input!)) * attrs.kernel[0]! * attrs.kernel[1]!;
    return out[0]! * out[1]! * attrs.filters * (channels(input!) / attrs.groups) * attrs.kernel[0]! * attrs.kernel[1]!;
  },
  receptive(_inputs, attrs) {
    return windowReceptive(windowFromAttrs(attrs));
  },
  describe(attrs) {
    return describeWindow(windowFromAttrs(attrs)) + (attrs.groups > 1 ? ` g${attrs.groups}` : "") + (attrs.table ? " table" : "");
  },
  absorbsEpilogue: true,
  forward([x], attrs, ctx) {
    const [h, w] = ctx.inputShapes[0]!;
    const { weight, bias } = convParameters(attrs, ctx);
    const padding = resolvePadding(windowFromAttrs(attrs), h!, w!);
    const stride: [number, number] = [attrs.stride[0]!, attrs.stride[1]!];
    const dilation: [number, number] = [attrs.dilation[0]!, attrs.dilation[1]!];
    return ctx.pool.conv2d(x!, weight, bias, conv2dParams({ stride, padding, dilation, groups: attrs.groups }), ctx.epilogue);
  },
};

