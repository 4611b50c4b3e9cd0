import { leakyRelu as leakyReluKernel, relu as reluKernel, sigmoid as sigmoidKernel, softmax as softmaxKernel, tanh as tanhKernel } from "../engine/kernels/activation.js";
import { batchNormAffine, localResponseNorm, type BatchNormParams } from "../engine/kernels/norm.js";
import { batchNormWeights } from "../engine/params.js";
import type { Tensor } from "../engine/tensor.js";
import { asNumber, ArgReader } from "./args.js";
import { channels } from "./shape.js";
import { ArgError, type OpCategory, type OpDef, type ParameterContext } from "./types.js";

/**
 * Layers that keep their input's shape and have no parameters: activations, dropout,
 * identity, LRN. Each still reads its own settings so typos are caught.
 */
function shapeKeeping<A extends Record<string, number>>(
  name: string,
  category: OpCategory,
  description: string,
  settings: { key: string; aliases?: string[]; positional?: boolean; fallback: number; check?: (v: number) => string | undefined }[],
  run: (x: Tensor, attrs: A) => Tensor,
  aliases: string[] = [],
): OpDef<A> {
  return {
    name,
    aliases,
    category,
    description,
    inputs: "one",
    compile(args) {
      const reader = new ArgReader(args, name);
      const attrs: Record<string, number> = {};
      for (const setting of settings) {
        const value = (setting.positional ? reader.positional("number") : undefined) ?? reader.named(setting.key, ...(setting.aliases ?? []));
        const n = value ? asNumber(value, setting.key) : setting.fallback;
        const problem = setting.check?.(n);
        if (problem) throw new ArgError(`${name}: ${setting.key} ${problem}`, undefined, setting.key);
        attrs[setting.key] = n;
      }
      reader.finish(settings.map((s) => s.key));
      return attrs as A;
    },
    outShape: ([input]) => [...input!],
    params: () => 0,
    macs: () => 0,
    forward: ([x], attrs) => run(x!, attrs),
  };
}

const unchanged = (x: Tensor): Tensor => x;

export const relu = shapeKeeping("relu", "activation", "rectified linear unit max(0, x)", [], reluKernel);
relu.forward = ([x], _attrs, ctx) => ctx.pool.relu(x!);
relu.note = () => "ReLU";
relu.rectifies = true;
relu.clampsAtZero = true;
export const leakyrelu = shapeKeeping("leakyrelu", "activation", "leaky ReLU: [SLOPE] (default 0.01)", [{ key: "slope", aliases: ["alpha", "negative_slope"], positional: true, fallback: 0.01 }], (x, a) => leakyReluKernel(x, a.slope));
leakyrelu.note = (attrs) => `leaky ReLU ${attrs.slope}`;
leakyrelu.rectifies = true;
export const tanh = shapeKeeping("tanh", "activation", "hyperbolic tangent", [], tanhKernel);
tanh.note = () => "tanh";
export const sigmoid = shapeKeeping("sigmoid", "activation", "logistic sigmoid", [], sigmoidKernel);
sigmoid.note = () => "sigmoid";
export const softmax = shapeKeeping("softmax", "activation", "softmax over channels (the last dimension)", [], softmaxKernel);
softmax.note = () => "softmax";
export const identity = shapeKeeping("identity", "reshape", "passes its input through unchanged", [], unchanged, ["linear"]);
identity.note = () => "linear";
identity.passThrough = "always";
export const dropout = shapeKeeping("dropout", "regularization", "dropout: [P] (default 0.5); identity at inference", [
  { key: "p", positional: true, fallback: 0.5, check: (p) => (p < 0 || p >= 1 ? "must be in [0, 1)" : undefined) },
], unchanged);
dropout.note = (attrs) => `dropout ${attrs.p}`;

/** Local response normalisation (AlexNet), PyTorch `nn.LocalResponseNorm` semantics. */
export const lrn: OpDef<{ size: number; alpha: number; beta: number; k: number }> = shapeKeeping("lrn", "norm", "local response normalisation: size= alpha= beta= k= (PyTorch defaults 5, 1e-4, 0.75, 1)", [
  { key: "size", aliases: ["n", "local_size"], positional: true, fallback: 5, check: (n) => (Number.isInteger(n) && n >= 1 ? undefined : "must be a positive whole number") },
  { key: "alpha", fallback: 1e-4 },
  { key: "beta", fallback: 0.75 },
  { key: "k", aliases: ["bias"], fallback: 1 },
], (x, a) => localResponseNorm(x, { size: a.size, alpha: a.alpha, beta: a.beta, k: a.k }));
lrn.mixesChannels = true;

export type BatchNormAttrs = { eps: number; affine: boolean };

/** bn's γ, β and running statistics, as its forward and `netfig export` read them. */
export function bnParameters(attrs: BatchNormAttrs, ctx: ParameterContext): BatchNormParams {
  // Channels are the first dimension of an engine tensor and the last of a shape.
  return batchNormWeights(ctx.weights, ctx.layer, channels(ctx.inputShapes[0]!), attrs.eps, attrs.affine);
}

/** Batch normalisation: gamma and beta per channel are parameters, running statistics are not. */
export const bn: OpDef<BatchNormAttrs> = {
  name: "bn",
  aliases: ["batchnorm", "batchnorm2d"],
  category: "norm",
  description: "batch normalisation (inference): eps= affine=",
  inputs: "one",
  compile(args) {
    const reader = new ArgReader(args, "bn");
    const eps = reader.named("eps");
    const affine = !reader.flag("noaffine");
    reader.finish(["eps", "noaffine"]);
    return { eps: eps ? asNumber(eps, "eps") : 1e-5, affine };
  },
  outShape: ([input]) => [...input!],
  params: ([input], _out, attrs) => (attrs.affine ? 2 * channels(input!) : 0),
  macs: () => 0,
  // The same arithmetic as the kernel's batchNorm, on the pool's threads and memory.
  forward: ([x], attrs, ctx) => ctx.pool.affineChannels(x!, batchNormAffine(bnParameters(attrs, ctx))),
  channelAffine: (attrs, ctx) => batchNormAffine(bnParameters(attrs, ctx)),
};

