import { layerNorm, type LayerNormParams } from "../engine/kernels/layer-norm.js";
import { asBool, asNumber, ArgReader } from "./args.js";
import { channels } from "./shape.js";
import { ArgError, type OpDef, type ParameterContext } from "./types.js";

export type LayerNormAttrs = { eps: number; affine: boolean };

/** `<layer>.weight` (γ, ones) and `<layer>.bias` (β, zeros) of D each, as nn.LayerNorm initialises them; none without affine. */
export function layerNormParameters(attrs: LayerNormAttrs, ctx: ParameterContext): LayerNormParams {
  const features = channels(ctx.inputShapes[0]!);
  const get = (name: string, value: number) => ctx.weights.get(`${ctx.layer}.${name}`, [features], { kind: "constant", value }).data;
  return { weight: attrs.affine ? get("weight", 1) : null, bias: attrs.affine ? get("bias", 0) : null, eps: attrs.eps };
}

/**
 * Layer normalisation over the last dimension (PyTorch `nn.LayerNorm(D)`): each step of a
 * `T×D` sequence, or each position of any tensor, is normalised over its D features; with
 * `affine` (PyTorch's `elementwise_affine`) a weight and a bias of D each follow.
 */
export const layernorm: OpDef<LayerNormAttrs> = {
  name: "layernorm",
  aliases: ["ln", "layer_norm"],
  category: "norm",
  description: "layer normalisation over the last dimension: eps= (default 1e-5) affine= (default true)",
  inputs: "one",
  compile(args) {
    const reader = new ArgReader(args, "layernorm");
    const epsArg = reader.named("eps");
    const affineArg = reader.named("affine", "elementwise_affine");
    const noAffine = reader.flag("noaffine");
    reader.finish(["eps", "affine", "noaffine"]);
    const eps = epsArg ? asNumber(epsArg, "eps") : 1e-5;
    if (!(eps > 0)) throw new ArgError(`layernorm: eps must be greater than 0, got ${eps}`, "write e.g. layernorm eps=1e-6", "eps");
    if (noAffine && affineArg) throw new ArgError("layernorm takes affine= or noaffine, not both", undefined, "affine");
    return { eps, affine: noAffine ? false : affineArg ? asBool(affineArg, "affine") : true };
  },
  outShape: ([input]) => [...input!],
  params: ([input], _out, attrs) => (attrs.affine ? 2 * channels(input!) : 0),
  macs: () => 0,
  forward: ([x], attrs, ctx) => layerNorm(x!, layerNormParameters(attrs, ctx)),
};
