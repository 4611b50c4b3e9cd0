import { asNonNegativeInt, asPair, ArgReader } from "./args.js";
import { checkGroups, readConvArgs, type ConvAttrs } from "./conv.js";
import { channels, requireImage } from "./shape.js";
import { ArgError, ShapeError, type OpDef, type ParameterContext } from "./types.js";
import { convTranspose2dParams } from "../engine/kernels/conv.js";
import { convTransposeWeights, type ConvWeights } from "../engine/params.js";
import { describeWindow, effectiveKernel, windowFromAttrs } from "./window.js";

export type DeconvAttrs = ConvAttrs & { outputPadding: number[] };

/**
 * Padding of a transposed conv. `same` means output `n * s`, the inverse of a `same` conv;
 * it is realised as PyTorch's `padding` plus `output_padding`.
 */
export function deconvPadding(attrs: DeconvAttrs): { padding: [number, number]; outputPadding: [number, number] } {
  if (attrs.padding !== "same") {
    const p = attrs.padding as number[];
    return { padding: [p[0]!, p[1]!], outputPadding: [attrs.outputPadding[0]!, attrs.outputPadding[1]!] };
  }
  const [kh, kw] = effectiveKernel(windowFromAttrs(attrs));
  const split = (k: number, s: number): [number, number] => {
    const total = k - s;
    const pad = Math.ceil(Math.max(total, 0) / 2);
    return [pad, 2 * pad - total];
  };
  const [ph, oh] = split(kh, attrs.stride[0]!);
  const [pw, ow] = split(kw, attrs.stride[1]!);
  return { padding: [ph, pw], outputPadding: [oh, ow] };
}

/** deconv's weight `[C, M/groups, kh, kw]` and bias, as its forward and `netfig export` read them. */
export function deconvParameters(attrs: DeconvAttrs, ctx: ParameterContext): ConvWeights {
  return convTransposeWeights(ctx.weights, ctx.layer, channels(ctx.inputShapes[0]!), attrs.filters, [attrs.kernel[0]!, attrs.kernel[1]!], attrs.groups, attrs.bias);
}

/** Transposed 2-D convolution (PyTorch `nn.ConvTranspose2d`), the upsampling layer of DCGAN and U-Net. */
export const deconv: OpDef<DeconvAttrs> = {
  name: "deconv",
  aliases: ["convtranspose", "conv_transpose", "transposedconv"],
  category: "deconv",
  description: "transposed convolution: FILTERS KxK[/S] pad= output_padding= groups= bias=",
  inputs: "one",
  compile(args) {
    const reader = new ArgReader(args, "deconv");
    const attrs = readConvArgs(reader, "deconv");
    if (Array.isArray(attrs.padding) && (attrs.padding[0] !== attrs.padding[2] || attrs.padding[1] !== attrs.padding[3])) {
      throw new ArgError("deconv padding must be symmetric (PyTorch has no asymmetric transposed padding)", undefined, "pad");
    }
    const outArg = reader.named("output_padding", "outpad");
    const outputPadding = outArg ? asPair(outArg, "output_padding", true) : [0, 0];
    if (outArg) asNonNegativeInt({ kind: "number", value: outputPadding[0]! }, "output_padding");
    if (outputPadding[0]! >= Math.max(attrs.stride[0]!, attrs.dilation[0]!) || outputPadding[1]! >= Math.max(attrs.stride[1]!, attrs.dilation[1]!)) {
      throw new ArgError("deconv: output_padding must be smaller than the stride or the dilation", undefined, "output_padding");
    }
    reader.finish(["filters", "kernel", "stride", "pad", "output_padding", "dilation", "groups", "bias", "nobias"]);
    return { ...attrs, outputPadding };
  },
  outShape([input], attrs) {
    const [h, w, c] = requireImage(input!, "deconv");
    checkGroups("deconv", c, attrs.groups);
    const [kh, kw] = effectiveKernel(windowFromAttrs(attrs));
    const { padding, outputPadding } = deconvPadding(attrs);
    const size = (n: number, k: number, s: number, p: number, o: number) => (n - 1) * s - 2 * p + k + o;
    const out: [number, number, number] = [
      size(h, kh, attrs.stride[0]!, padding[0], outputPadding[0]),
      size(w, kw, attrs.stride[1]!, padding[1], outputPadding[1]),
      attrs.filters,
    ];
    if (out[0] < 1 || out[1] < 1) throw new ShapeError(`deconv: padding ${padding.join("x")} leaves no output for a ${h}x${w} input`, "reduce pad");
    return out;
  },
  params([input], _out, attrs) {
    return channels(input!) * (attrs.filters / attrs.groups) * attrs.kernel[0]! * attrs.kernel[1]! + (attrs.bias ? attrs.filters : 0);
  },
  // fvcore's convention for transposed convs: every input element meets the whole kernel.
  macs([input], _out, attrs) {
    return input![0]! * input![1]! * channels(input!) * (attrs.filters / attrs.groups) * attrs.kernel[0]! * attrs.kernel[1]!;
  },
  receptive(_inputs, attrs) {
    // Each output pixel sees ceil(k/s) input pixels; the grid becomes s times finer.
    const [kh, kw] = effectiveKernel(windowFromAttrs(attrs));
    return { kernel: [Math.ceil(kh / attrs.stride[0]!), Math.ceil(kw / attrs.stride[1]!)], stride: [1 / attrs.stride[0]!, 1 / attrs.stride[1]!] };
  },
  describe(attrs) {
    return describeWindow(windowFromAttrs(attrs)).replace("/", "↑");
  },
  forward([x], attrs, ctx) {
    const { weight, bias } = deconvParameters(attrs, ctx);
    const { padding, outputPadding } = deconvPadding(attrs);
    const params = convTranspose2dParams({
      stride: [attrs.stride[0]!, attrs.stride[1]!],
      padding,
      outputPadding,
      dilation: [attrs.dilation[0]!, attrs.dilation[1]!],
      groups: attrs.groups,
    });
    return ctx.pool.convTranspose2d(x!, weight, bias, params);
  },
};
