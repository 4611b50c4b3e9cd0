import { flatten as flattenKernel, transpose } from "../engine/kernels/shape.js";
import { linearWeights, type ConvWeights } from "../engine/params.js";
import { asBool, asPositiveInt, ArgReader } from "./args.js";
import { embeddingWeight } from "./embedding.js";
import { elements, writtenShape } from "./shape.js";
import { ArgError, ShapeError, type OpDef, type ParameterContext } from "./types.js";
import type { Shape } from "./types.js";

/**
 * `transposed`: with `shares=`, the weight is the shared fc's, transposed (tied encoder/decoder
 * weights). `shares=` an embedding: the weight is its table `[V, D]` as it is (a tied output head).
 */
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
  if (ctx.tiedTo) {
    const bias = attrs.bias ? ctx.weights.get(`${ctx.layer}.bias`, [attrs.units], { kind: "constant", value: 0 }).data : null;
    if (!attrs.transposed) {
      // The only kind that lends an fc its matrix is an embedding: its table, asked for as the
      // embedding asks (same name, shape and init), so a seeded run gives both one tensor.
      return { weight: embeddingWeight(ctx.weights, ctx.tiedTo, { vocabulary: attrs.units, dimension: features }), bias };
    }
    // The tied fc's weight `[features, units]` read as this layer's `[units, features]`; the bias is this layer's own.
    const tied = linearWeights(ctx.weights, ctx.tiedTo, attrs.units, features, false, ctx.reluFollows ? "he" : "xavier").weight;
    return { weight: transpose(tied), bias };
  }
  return linearWeights(ctx.weights, ctx.layer, features, attrs.units, attrs.bias, ctx.reluFollows ? "he" : "xavier");
}

/** Fully-connected layer (PyTorch `nn.Linear`), applied per step on sequences. */
export const fc: OpDef<DenseAttrs> = {
  name: "fc",
  aliases: ["dense", "linear_layer", "fullyconnected"],
  category: "dense",
  description: "fully-connected layer: UNITS bias= (shares=FC transposed, or shares=EMBEDDING: tied weights)",
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
  borrowsMatrix: ([input], attrs) => [attrs.units, denseInput(input!).features],
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
