import { Attributes } from "./attributes.js";
import type { ArgValue } from "../../ops/types.js";
import { arg, args, type ImportContext, type LayerWeights } from "./context.js";
import type { NodeProto } from "./decode.js";
import { slice, split } from "./channels.js";
import { data, scalarInput, unknown, weight, weightsOf, window, type Mapper } from "./inputs.js";
import { flattenChannelsLast, layoutTranspose } from "./layout.js";
import { lpPool, reduceMean, resize } from "./resample.js";
import { earlyProjection, projection, zeroChannels } from "./shortcuts.js";
import { rbf, scaledTanh, subsample } from "./lenet.js";
import { cast, cosine, gather, sub } from "./pairs.js";
import { reparameterisation } from "./sample.js";
import { connectionTable } from "./table.js";
import { erfGelu, geluOperator, tanhGelu } from "./gelu.js";
import { decomposedLayerNorm, layerNormalization } from "./normalization.js";
import { classToken, patchEmbedding, positionEmbedding, tokenPick } from "./tokens.js";
import { maxPoolWithIndices, maxUnpool } from "./unpool.js";
import { recurrentEntry, recurrentLayer } from "./recurrent.js";
import { netfigShape, onnxDims, type Value } from "./values.js";

export { unknown };

/**
 * ONNX operators → netfig layers. Each mapper reads the node's attributes and constant
 * inputs, and emits layers through `ctx.emit` (which validates them with the op's own
 * `compile`), or returns the value its output aliases when the node draws as nothing.
 */

const conv: Mapper = (ctx, node, a) => {
  const input = data(ctx, node, 0);
  const w = weight(ctx, node, 1, "the weight");
  const groups = a.int("group", 1);
  const deconv = node.opType === "ConvTranspose";
  if (deconv && a.has("output_shape")) ctx.fail(node, "output_shape is not supported", "re-export with pads and output_padding");
  const spec = window(ctx, node, a, a.ints("kernel_shape") ?? w.dims.slice(2));
  if (!spec) return unknown(ctx, node);
  const { kernel, named } = spec;
  const filters = deconv ? w.dims[1]! * groups : w.dims[0]!;
  const extra: Record<string, ArgValue> = deconv ? { output_padding: arg.dims(a.ints("output_padding") ?? [0, 0]) } : {};
  const bias = ctx.value(node, 2) !== undefined;
  const weights = weightsOf(ctx, node, { 1: "weight", 2: "bias" });
  const patches = deconv ? undefined : patchEmbedding(ctx, node, a, input, filters, weights);
  if (patches) return patches;
  const shortcut = deconv ? undefined : projection(ctx, node, a, input, filters, weights, bias);
  if (shortcut) return shortcut;
  const table = deconv || groups !== 1 ? undefined : connectionTable(ctx, node, w);
  if (table) extra.table = table;
  return ctx.emit(node, deconv ? "deconv" : "conv", args([arg.num(filters), kernel], { ...named, ...extra, groups: arg.num(groups), bias: arg.word(String(bias)) }), [input], { weights });
};

const pool: Mapper = (ctx, node, a) => {
  const value = ctx.value(node, 0);
  const input = value?.kind === "padded" ? value.base : data(ctx, node, 0);
  const spec = window(ctx, node, a, a.ints("kernel_shape") ?? []);
  if (!spec) return unknown(ctx, node);
  const { kernel: k, named } = spec;
  const flags: string[] = [];
  if (a.int("ceil_mode", 0) === 1) flags.push("ceil");
  const max = node.opType === "MaxPool";
  const indices = node.output?.[1];
  if (max && indices && (ctx.consumers.get(indices) ?? []).length > 0) return maxPoolWithIndices(ctx, node, input, args([k], named, flags));
  if (!max && value?.kind !== "padded") {
    const lenet = subsample(ctx, node, a);
    if (lenet) return lenet;
  }
  if (!max && value?.kind === "padded") {
    // PyTorch exports AvgPool2d(padding=p) as Pad + AveragePool: one layer, zeros counted.
    return ctx.emit(node, "avgpool", args([k], { ...named, pad: arg.dims(value.pads) }, flags), [input]);
  }
  if (!max && a.int("count_include_pad", 0) === 0 && (a.ints("pads") ?? []).some((p) => p > 0)) flags.push("exclude_pad");
  if (max && a.int("storage_order", 0) !== 0) ctx.warn(node, "storage_order is ignored");
  return ctx.emit(node, max ? "maxpool" : "avgpool", args([k], named, flags), [input]);
};

/**
 * A Gemm without transB whose B is the weight another fc reads with transB (tied
 * encoder–decoder weights, `F.linear(x, enc.weight.t(), b)`): that fc's layer, which this
 * one `shares=` `transposed`, keeping its own bias.
 */
function tiedWeight(ctx: ImportContext, a: Attributes, weights: LayerWeights): string | undefined {
  const stored = weights.weight;
  const owner = stored && !stored.perm && a.int("transB", 0) === 0 ? ctx.owners.get(stored.tensor) : undefined;
  const layer = owner?.role === "weight" ? ctx.nodes[ctx.positions.get(owner.layer)!] : undefined;
  return layer?.op === "fc" && ctx.weights.get(layer.id)?.weight?.perm === undefined ? layer.id : undefined;
}

const gemm: Mapper = (ctx, node, a) => {
  const input = data(ctx, node, 0);
  if (a.int("transA", 0) !== 0) ctx.fail(node, "transA=1 is not supported");
  const w = weight(ctx, node, 1, "B");
  const units = a.int("transB", 0) === 1 ? w.dims[0]! : w.dims[1]!;
  const bias = ctx.value(node, 2) !== undefined;
  const weights = weightsOf(ctx, node, { 1: "weight", 2: "bias" });
  const tied = tiedWeight(ctx, a, weights);
  if (tied) {
    const { weight: _owners, ...own } = weights;
    return ctx.emit(node, "fc", args([arg.num(units)], { bias: arg.word(String(bias)) }, ["transposed"]), [input], { weights: own, attrs: { shares: tied } });
  }
  // Without transB, B is [in, out]: fc's [out, in] weight is it transposed.
  const stored = weights.weight;
  if (stored && a.int("transB", 0) === 0) weights.weight = stored.perm ? { tensor: stored.tensor } : { tensor: stored.tensor, perm: [1, 0] };
  return ctx.emit(node, "fc", args([arg.num(units)], { bias: arg.word(String(bias)) }), [input], { weights });
};

const matmul: Mapper = (ctx, node) => {
  const b = ctx.value(node, 1);
  if (b?.kind !== "const" || b.dims?.length !== 2) return unknown(ctx, node);
  const input = data(ctx, node, 0);
  // MatMul's B is [in, out]; fc's weight is PyTorch's [out, in], B transposed. When B is
  // itself a transposed initializer (PyTorch's Linear on sequences), the two cancel.
  const weights = weightsOf(ctx, node, { 1: "weight" });
  const weight = weights.weight;
  if (weight) weights.weight = weight.perm ? { tensor: weight.tensor } : { tensor: weight.tensor, perm: [1, 0] };
  return ctx.emit(node, "fc", args([arg.num(b.dims[1]!)], { bias: arg.word("false") }), [input], { weights });
};

/** Add of a layer's output and a constant vector: the bias of a MatMul-made fc, when nothing else reads it. */
function foldBias(ctx: ImportContext, node: NodeProto): Value | undefined {
  const [x, y] = [ctx.value(node, 0), ctx.value(node, 1)];
  const [layer, bias] = x?.kind === "data" ? [x, y] : [y, x];
  if (layer?.kind !== "data" || bias?.kind !== "const" || bias.dims?.length !== 1) return undefined;
  const producer = ctx.nodes[ctx.nodes.length - 1];
  const readers = ctx.consumers.get(ctx.tensorNames.get(layer.node) ?? "") ?? [];
  if (producer?.id !== layer.node || producer.op !== "fc" || producer.attrs.bias !== false || readers.length !== 1 || producer.attrs.units !== bias.dims[0]) return undefined;
  producer.attrs = { ...producer.attrs, bias: true };
  const weights = ctx.weights.get(producer.id) ?? {};
  if (bias.source) ctx.weights.set(producer.id, { ...weights, bias: { tensor: bias.source.tensor.name } });
  ctx.tensorNames.set(producer.id, node.output![0]!);
  return layer;
}

function merge(op: "add" | "scale"): Mapper {
  return (ctx, node) => {
    if (op === "add") {
      const folded = foldBias(ctx, node) ?? positionEmbedding(ctx, node);
      if (folded) return folded;
    }
    const pattern = op === "scale" ? (scaledTanh(ctx, node) ?? cosine(ctx, node) ?? reparameterisation(ctx, node) ?? tanhGelu(ctx, node)) : undefined;
    if (pattern) return pattern;
    const inputs = (node.input ?? []).map((_, i) => ctx.value(node, i));
    if (inputs.some((v) => v?.kind === "const")) return unknown(ctx, node);
    const operands = inputs.map((_, i) => data(ctx, node, i));
    if (op === "add") earlyProjection(ctx, operands);
    return ctx.emit(node, op, args(), operands);
  };
}

function simple(op: string, read: (ctx: ImportContext, node: NodeProto, a: Attributes) => Record<string, number> = () => ({})): Mapper {
  return (ctx, node, a) => {
    const named = Object.fromEntries(Object.entries(read(ctx, node, a)).map(([k, v]) => [k, arg.num(v)]));
    return ctx.emit(node, op, args([], named), [data(ctx, node, 0)]);
  };
}

const clip: Mapper = (ctx, node, a) => {
  const min = a.has("min") ? a.float("min", 0) : scalarInput(ctx, node, 1);
  const max = a.has("max") ? a.float("max", 0) : scalarInput(ctx, node, 2);
  const input = data(ctx, node, 0);
  if (min === 0 && max === 6) return ctx.emit(node, "relu6", args(), [input]);
  if (min === 0 && max === undefined) return ctx.emit(node, "relu", args(), [input]);
  return ctx.emit(node, "clip", args([], { min: arg.num(min ?? -Infinity), max: arg.num(max ?? Infinity) }), [input]);
};

const batchnorm: Mapper = (ctx, node, a) =>
  ctx.emit(node, "bn", args([], { eps: arg.num(a.float("epsilon", 1e-5)) }), [data(ctx, node, 0)], {
    weights: weightsOf(ctx, node, { 1: "weight", 2: "bias", 3: "running_mean", 4: "running_var" }),
  });

const flatten: Mapper = (ctx, node, a) => {
  const source = ctx.value(node, 0);
  if (source?.kind === "nhwc" && a.int("axis", 1) === 1) return flattenChannelsLast(ctx, node, source);
  const input = data(ctx, node, 0);
  if (a.int("axis", 1) !== 1) return unknown(ctx, node);
  return input.shape?.length === 1 ? input : ctx.emit(node, "flatten", args(), [input]);
};

/** A Reshape target [batch, -1] or [batch, H·W·C] (tf2onnx writes the batch as -1, PyTorch as 0 or its size). */
function isFlattening(target: readonly (number | null)[], shape: readonly number[] | undefined): boolean {
  const elements = shape?.reduce((x, y) => x * y, 1);
  return target.length === 2 && (target[0] === null || [-1, 0, 1].includes(target[0]!)) && (target[1] === -1 || target[1] === elements);
}

/** Reshape: a flatten, a channel shuffle's first or last step, a no-op, or a general reshape. */
const reshapeNode: Mapper = (ctx, node) => {
  const source = ctx.value(node, 0);
  const target = ctx.value(node, 1);
  if (target?.kind !== "const" || !target.values) return unknown(ctx, node);
  if (source?.kind === "nhwc" && isFlattening(target.values, source.base.shape)) return flattenChannelsLast(ctx, node, source);
  const base = source?.kind === "view" ? source.base : data(ctx, node, 0);
  if (!base.shape) return unknown(ctx, node);
  const inDims = onnxDims(base.shape);
  const total = base.shape.reduce((x, y) => x * y, 1);
  const dims = target.values.map((d, i) => (d === 0 ? inDims[i]! : d));
  if (dims[0] !== null && dims[0] !== -1) {
    if (dims[0] !== 1) return unknown(ctx, node);
    dims[0] = null; // a batch of one written as a literal 1
  }
  const rest = dims.slice(1);
  const free = rest.indexOf(-1);
  if (free >= 0) rest[free] = total / rest.filter((_, i) => i !== free).reduce((x: number, y) => x * (y ?? 1), 1);
  if (dims[0] === -1 && free < 0) dims[0] = null;
  if (rest.some((d) => d === null || !Number.isInteger(d))) return unknown(ctx, node);
  const out = rest as number[];
  if (source?.kind === "view") {
    const same = base.shape.length === 3 && out.length === 3 && out[0] === base.shape[2] && out[1] === base.shape[0] && out[2] === base.shape[1];
    if (!same || !source.transposed) ctx.fail(node, "a 5-D reshape that is not a channel shuffle cannot be drawn");
    return ctx.emit(node, "shuffle", args([arg.num(source.groups)]), [base]);
  }
  if (out.length === 4 && base.shape.length === 3 && out[0]! * out[1]! === base.shape[2] && out[2] === base.shape[0] && out[3] === base.shape[1]) {
    return { kind: "view", base, groups: out[0]!, transposed: false };
  }
  const shape = netfigShape([null, ...out]);
  if (!shape) return unknown(ctx, node);
  if (shape.join("x") === base.shape.join("x")) return base;
  if (shape.length === 1 && base.shape.length > 1) return ctx.emit(node, "flatten", args(), [base]);
  return ctx.emit(node, "reshape", args([shape.length === 1 ? arg.num(shape[0]!) : arg.dims(shape)]), [base]);
};

const transpose: Mapper = (ctx, node, a) => {
  const source = ctx.value(node, 0);
  const perm = a.ints("perm") ?? [];
  if (source?.kind === "view" && !source.transposed && perm.join() === "0,2,1,3,4") return { ...source, transposed: true };
  return layoutTranspose(ctx, node) ?? recurrentEntry(ctx, node) ?? unknown(ctx, node);
};

const pad: Mapper = (ctx, node, a) => {
  const padsValue = ctx.value(node, 1);
  const pads = a.ints("pads") ?? (padsValue?.kind === "const" ? padsValue.values : undefined);
  const fill = a.has("value") ? a.float("value", 0) : (scalarInput(ctx, node, 2) ?? 0);
  const mode = a.string("mode", "constant");
  if (!pads || pads.length !== 8 || pads.some((p) => p === null) || mode !== "constant" || fill !== 0) return unknown(ctx, node);
  const [nb, cb, t, l, ne, ce, b, r] = pads as number[];
  if (cb !== 0 || ce !== 0) return zeroChannels(ctx, node, ctx.value(node, 0), pads as number[]) ?? unknown(ctx, node);
  const input = data(ctx, node, 0);
  if (nb !== 0 || ne !== 0 || [t, l, b, r].some((p) => p! < 0)) return unknown(ctx, node);
  if (t === 0 && l === 0 && b === 0 && r === 0) return input;
  const readers = ctx.consumers.get(node.output![0]!) ?? [];
  const pooled = readers.length === 1 && readers[0]!.opType === "AveragePool" && !(readers[0]!.attribute ?? []).some((x) => x.name === "auto_pad") && (new Attributes(readers[0]!).ints("pads") ?? [0]).every((p) => p === 0);
  if (pooled && input.shape?.length === 3) return { kind: "padded", base: input, pads: [t!, l!, b!, r!] };
  return ctx.emit(node, "zeropad", args([arg.dims([t!, l!, b!, r!])]), [input]);
};

/** Squeeze of a 1x1 image's H and W (after global pooling) is a flatten. */
const squeeze: Mapper = (ctx, node, a) => {
  const input = data(ctx, node, 0);
  const axesValue = ctx.value(node, 1);
  const axes = (a.ints("axes") ?? (axesValue?.kind === "const" ? (axesValue.values as number[] | undefined) : undefined))?.map((x) => (x < 0 ? x + 4 : x)).sort();
  const image = input.shape?.length === 3 && input.shape[0] === 1 && input.shape[1] === 1;
  if (!image || (axes !== undefined && axes.join() !== "2,3")) return unknown(ctx, node);
  return ctx.emit(node, "flatten", args(), [input]);
};

const dropout: Mapper = (ctx, node, a) => {
  const ratio = a.has("ratio") ? a.float("ratio", 0.5) : (scalarInput(ctx, node, 1) ?? 0.5);
  return ctx.emit(node, "dropout", args([arg.num(ratio)]), [data(ctx, node, 0)]);
};

const concat: Mapper = (ctx, node, a) => {
  const token = classToken(ctx, node, a);
  if (token) return token;
  const inputs = (node.input ?? []).map((_, i) => data(ctx, node, i));
  const rank = inputs[0]!.shape ? onnxDims(inputs[0]!.shape).length : 0;
  const axis = a.int("axis", 1);
  if ((axis < 0 ? axis + rank : axis) !== 1 || rank === 3) return unknown(ctx, node);
  return ctx.emit(node, "concat", args(), inputs);
};

export const MAPPERS: Record<string, Mapper> = {
  Conv: conv,
  ConvTranspose: conv,
  Gemm: gemm,
  MatMul: matmul,
  BatchNormalization: batchnorm,
  Relu: simple("relu"),
  LeakyRelu: simple("leakyrelu", (_c, _n, a) => ({ slope: a.float("alpha", 0.01) })),
  Clip: clip,
  Sigmoid: simple("sigmoid"),
  Tanh: simple("tanh"),
  HardSigmoid: simple("hardsigmoid", (_c, _n, a) => ({ alpha: a.float("alpha", 0.2), beta: a.float("beta", 0.5) })),
  HardSwish: simple("hardswish"),
  Softmax: simple("softmax"),
  MaxPool: pool,
  AveragePool: pool,
  GlobalAveragePool: simple("globalavgpool"),
  GlobalMaxPool: simple("globalmaxpool"),
  LRN: simple("lrn", (ctx, node, a) => {
    if (!a.has("size")) ctx.fail(node, "LRN needs a size");
    return { size: a.int("size", 5), alpha: a.float("alpha", 1e-4), beta: a.float("beta", 0.75), k: a.float("bias", 1) };
  }),
  Flatten: flatten,
  Reshape: reshapeNode,
  Transpose: transpose,
  Concat: concat,
  Add: merge("add"),
  Mul: merge("scale"),
  Pad: pad,
  Dropout: dropout,
  Identity: (ctx, node) => data(ctx, node, 0),
  Slice: slice,
  Split: split,
  Squeeze: squeeze,
  Resize: resize,
  Upsample: resize,
  LpPool: lpPool,
  ReduceMean: (ctx, node, a) => decomposedLayerNorm(ctx, node) ?? reduceMean(ctx, node, a),
  LayerNormalization: (ctx, node, a) => layerNormalization(ctx, node, a) ?? unknown(ctx, node),
  Div: (ctx, node) => erfGelu(ctx, node) ?? unknown(ctx, node),
  Gelu: geluOperator,
  MaxUnpool: maxUnpool,
  Sub: sub,
  Gather: (ctx, node, a) => tokenPick(ctx, node, a) ?? gather(ctx, node, a),
  Cast: cast,
  Unsqueeze: (ctx, node, a) => rbf(ctx, node, a) ?? unknown(ctx, node),
  RNN: recurrentLayer,
  LSTM: recurrentLayer,
  GRU: recurrentLayer,
};
