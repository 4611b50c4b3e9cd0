import { euclideanRbf } from "../engine/kernels/lenet.js";
import type { Tensor } from "../engine/tensor.js";
import { asPositiveInt, ArgReader } from "./args.js";
import { writtenShape } from "./shape.js";
import { ArgError, ShapeError, type OpDef, type ParameterContext } from "./types.js";

type RbfAttrs = { units: number };

/** `<layer>.weight` `[units, features]`: each unit's centre (LeNet's are fixed ±1 codes; seeded here). */
export function rbfCentres(attrs: RbfAttrs, ctx: ParameterContext): Tensor {
  const features = ctx.inputShapes[0]![0]!;
  return ctx.weights.get(`${ctx.layer}.weight`, [attrs.units, features], { kind: "xavier", fanIn: features, fanOut: attrs.units });
}

/**
 * Euclidean radial basis function units (LeNet-5's output, LeCun et al., 1998, eq. 7):
 * `y_i = Σ_j (x_j − w_ij)²`, one centre of the input's size per unit. The centres count as
 * parameters (PyTorch counts an `nn.Parameter` whether or not it is trained); MACs count
 * one per centre element, as an fc of the same size.
 */
export const rbf: OpDef<RbfAttrs> = {
  name: "rbf",
  category: "dense",
  description: "Euclidean RBF units Σ(x − w)², LeNet-5's output: UNITS",
  inputs: "one",
  compile(args) {
    const reader = new ArgReader(args, "rbf");
    const units = reader.positional("number") ?? reader.named("units");
    if (!units) throw new ArgError("rbf needs a number of units", "write e.g. rbf 10");
    reader.finish(["units"]);
    return { units: asPositiveInt(units, "units") };
  },
  outShape([input], attrs) {
    if (input!.length !== 1) throw new ShapeError(`rbf needs a vector, got ${writtenShape(input!)}`, "insert flatten before it");
    return [attrs.units];
  },
  params: ([input], _out, attrs) => input![0]! * attrs.units,
  macs: ([input], _out, attrs) => input![0]! * attrs.units,
  forward: ([x], attrs, ctx) => euclideanRbf(x!, rbfCentres(attrs, ctx)),
};
