import { flatten as flattenKernel } from "../engine/kernels/shape.js";
import { linearWeights, type ConvWeights } from "../engine/params.js";
import { asBool, asPositiveInt, ArgReader } from "./args.js";
import { elements, writtenShape } from "./shape.js";
import { ArgError, ShapeError, type OpDef, type ParameterContext } from "./types.js";
import type { Shape } from "./types.js";

/** `transposed`: with `shares=`, the weight is the shared layer's, transposed (tied encoder/decoder weights). */
export type DenseAttrs = { units: number; bias: boolean; transposed?: boolean; shares?: string };

/**
 * The features an fc layer reads: a vector, a 1x1xC map (after global pooling, as in
 * PyTorch), or each step of a sequence. A larger map is ambiguous (which axis?), so it
 * must be flattened explicitly.
 */
function denseInput(input: Shape): { features: number; rows: number } {
  if (input.length === 1) return { features: input[0]!, rows: 1 };
  if (input.length === 2) return { features: input[1]!, rows: input[0]! };
  if (input[0] === 1 && input[1] === 1) return { features: input[2]!, rows: 1 };
  throw new ShapeError(`fc needs a vector, got ${writtenShape(input)}`, `insert flatten before it (gives ${elements(input)}), or globalavgpool (gives ${input[2]})`);
}

/** fc's weight `[out, in]` and bias, as its forward and `netfig export` read them: He when only ReLUs read it. */
export function fcParameters(attrs: DenseAttrs, ctx: ParameterContext): ConvWeights {
  const { features } = denseInput(ctx.inputShapes[0]!);
  if (attrs.transposed && attrs.shares) {
    // The tied layer's weight `[features, units]` read as this layer's `[units, features]`; the bias is this layer's own.
    const tied = linearWeights(ctx.weights, attrs.shares, attrs.units, features, false, ctx.reluFollows ? "he" : "xavier").weight;
    const weight = new Float32Array(tied.data.length);
    for (let o = 0; o < attrs.units; o++) for (let i = 0; i < features; i++) weight[o * features + i] = tied.data[i * attrs.units + o]!;
    const bias = attrs.bias ? ctx.weights.get(`${ctx.layer}.bias`, [attrs.units], { kind: "constant", value: 0 }).data : null;
    return { weight: { shape: [attrs.units, features], data: weight }, bias };
  }
  return linearWeights(ctx.weights, ctx.layer, features, attrs.units, attrs.bias, ctx.reluFollows ? "he" : "xavier");
}

/** Fully-connected layer (PyTorch `nn.Linear`), applied per step on sequences. */
export const fc: OpDef<DenseAttrs> = {
  name: "fc",
  aliases: ["dense", "linear_layer", "fullyconnected"],
  category: "dense",
  description: "fully-connected layer: UNITS bias= (shares=LAYER transposed: tied weights)",
  inputs: "one",
  literalWeights: true,
  compile(args) {
    const reader = new ArgReader(args, "fc");
    const units = reader.positional("number") ?? reader.named("units", "out");
    if (!units) throw new ArgError("fc needs a number of units", "write e.g. fc 4096");
    const biasArg = reader.named("bias");
    const bias = reader.flag("nobias") ? false : biasArg ? asBool(biasArg, "bias") : true;
    const transposed = reader.flag("transposed");
    reader.finish(["units", "bias", "nobias", "transposed"]);
    return transposed ? { units: asPositiveInt(units, "units"), bias, transposed } : { units: asPositiveInt(units, "units"), bias };
  },
  outShape([input], attrs) {
    const { rows } = denseInput(input!);
    return input!.length === 2 ? [rows, attrs.units] : [attrs.units];
  },
  params([input], _out, attrs) {
    return denseInput(input!).features * attrs.units + (attrs.bias ? attrs.units : 0);
  },
  macs([input], _out, attrs) {
    const { features, rows } = denseInput(input!);
    return rows * features * attrs.units;
  },
  forward([x], attrs, ctx) {
    const { weight, bias } = fcParameters(attrs, ctx);
    return ctx.pool.linear(x!, weight, bias);
  },
};

/** HxWxC → H·W·C (PyTorch flattens in C, H, W order; the engine does the same). */
export const flatten: OpDef<Record<string, never>> = {
  name: "flatten",
  category: "reshape",
  description: "flattens an image or sequence into a vector",
  inputs: "one",
  passThrough: true,
  compile(args) {
    new ArgReader(args, "flatten").finish();
    return {};
  },
  outShape: ([input]) => [elements(input!)],
  params: () => 0,
  macs: () => 0,
  receptive([input]) {
    if (input!.length !== 3) return { kernel: [1, 1], stride: [1, 1] };
    return { kernel: [input![0]!, input![1]!], stride: [input![0]!, input![1]!] };
  },
  forward: ([x]) => flattenKernel(x!),
};
