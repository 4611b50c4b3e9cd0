import { windowOutput } from "../engine/kernels/pooling.js";
import { asNonNegativeInt, asPair, asPositiveInt, type ArgReader } from "./args.js";
import { writtenShape } from "./shape.js";
import { ArgError, ShapeError, type ReceptiveStep } from "./types.js";

/**
 * The sliding-window arithmetic shared by conv, deconv and the pools:
 * kernel, stride, padding and dilation, and the output-size formula.
 */

/** Padding as `[top, left, bottom, right]`, or `same` (output `ceil(n / s)`, TensorFlow-style split). */
export type Padding = number[] | "same";

export interface Window {
  kernel: [number, number];
  stride: [number, number];
  padding: Padding;
  dilation: [number, number];
}

/** Reads `KxK[/S]` (or `kernel=`, `stride=`), `pad=`, `dilation=`. */
export function readWindow(reader: ArgReader, op: string, defaults: { stride?: "kernel" | 1; kernelRequired: boolean }): Window {
  const written = reader.positional("dims", "number");
  const kernelArg = written ?? reader.named("kernel", "k");
  if (!kernelArg && defaults.kernelRequired) {
    throw new ArgError(`${op} needs a kernel size`, `write e.g. ${op} ${op === "conv" || op === "deconv" ? "64 " : ""}3x3`);
  }
  let kernel: [number, number] = [1, 1];
  let stride: [number, number] | undefined;
  if (kernelArg) {
    if (kernelArg.kind === "dims" && kernelArg.stride) {
      kernel = asPair({ kind: "dims", dims: kernelArg.dims }, "kernel");
      stride = kernelArg.stride.length === 1 ? [kernelArg.stride[0]!, kernelArg.stride[0]!] : [kernelArg.stride[0]!, kernelArg.stride[1]!];
      stride.forEach((s) => asPositiveInt({ kind: "number", value: s }, "stride"));
    } else {
      kernel = asPair(kernelArg, "kernel");
    }
  }
  const strideArg = reader.named("stride", "s");
  if (strideArg) {
    if (stride) throw new ArgError(`${op}: stride given twice (/S and stride=)`, "keep one of them", "stride");
    stride = asPair(strideArg, "stride");
  }
  const padArg = reader.named("pad", "padding", "p");
  let padding: Padding = [0, 0, 0, 0];
  if (padArg) {
    if (padArg.kind === "word" && (padArg.value === "same" || padArg.value === "valid")) {
      padding = padArg.value === "same" ? "same" : [0, 0, 0, 0];
    } else if (padArg.kind === "dims" && padArg.dims.length === 4 && !padArg.stride) {
      padding = padArg.dims.map((p) => asNonNegativeInt({ kind: "number", value: p }, "pad"));
    } else if (padArg.kind === "number" || padArg.kind === "dims") {
      const [ph, pw] = asPair(padArg, "pad", true);
      padding = [ph, pw, ph, pw];
    } else {
      throw new ArgError(`pad must be a number, HxW, same or valid`, undefined, "pad");
    }
  }
  const dilationArg = reader.named("dilation", "d");
  const dilation = dilationArg ? asPair(dilationArg, "dilation") : ([1, 1] as [number, number]);
  return {
    kernel,
    stride: stride ?? (defaults.stride === "kernel" ? [...kernel] : [1, 1]),
    padding,
    dilation,
  };
}

export function effectiveKernel(w: Window): [number, number] {
  return [(w.kernel[0] - 1) * w.dilation[0] + 1, (w.kernel[1] - 1) * w.dilation[1] + 1];
}

/** Explicit `[top, left, bottom, right]` padding for an input of `h x w`. */
export function resolvePadding(w: Window, h: number, width: number): [number, number, number, number] {
  if (w.padding !== "same") return w.padding as [number, number, number, number];
  const [kh, kw] = effectiveKernel(w);
  const total = (n: number, k: number, s: number) => Math.max((Math.ceil(n / s) - 1) * s + k - n, 0);
  const th = total(h, kh, w.stride[0]);
  const tw = total(width, kw, w.stride[1]);
  return [Math.floor(th / 2), Math.floor(tw / 2), th - Math.floor(th / 2), tw - Math.floor(tw / 2)];
}

/**
 * Output size of a sliding window: `floor((n + 2p - f) / s) + 1`, or PyTorch's ceil mode,
 * which drops a last window that would start entirely in the padding. One rule for the
 * analysis and the engine's pooling kernels, written in the engine.
 */
export { windowOutput };

/** Output `[h, w]` of a window over an `h x w x c` input, or a ShapeError pointing at the cause. */
export function windowShape(w: Window, input: [number, number, number], layer: string, ceil = false): [number, number] {
  const [h, width] = input;
  const [kh, kw] = effectiveKernel(w);
  const [pt, pl, pb, pr] = resolvePadding(w, h, width);
  if (kh > h + pt + pb || kw > width + pl + pr) {
    const padText = w.padding === "same" ? "same" : pt === pb && pl === pr && pt === pl ? String(pt) : `${pt},${pl},${pb},${pr}`;
    throw new ShapeError(
      `${layer}: ${w.kernel.join("x")}${w.dilation[0] > 1 || w.dilation[1] > 1 ? ` (dilated to ${kh}x${kw})` : ""} kernel is larger than its ${writtenShape(input)} input (pad ${padText})`,
      "use a smaller kernel, add padding (pad=same), or remove a pooling layer before it",
    );
  }
  return [windowOutput(h, kh, w.stride[0], pt, pb, ceil), windowOutput(width, kw, w.stride[1], pl, pr, ceil)];
}

export function windowReceptive(w: Window): ReceptiveStep {
  return { kernel: effectiveKernel(w), stride: [...w.stride] };
}

/** `3×3/2`, `1×1`, `3×3 d2`: a window as a figure label shows it. */
export function describeWindow(w: Window): string {
  const k = w.kernel[0] === w.kernel[1] ? `${w.kernel[0]}×${w.kernel[0]}` : `${w.kernel[0]}×${w.kernel[1]}`;
  const s = w.stride[0] === 1 && w.stride[1] === 1 ? "" : w.stride[0] === w.stride[1] ? `/${w.stride[0]}` : `/${w.stride[0]}×${w.stride[1]}`;
  const d = w.dilation[0] > 1 || w.dilation[1] > 1 ? ` d${w.dilation[0]}` : "";
  return `${k}${s}${d}`;
}

/** Window attributes stored on a node (plain JSON). */
export function windowAttrs(w: Window): { kernel: number[]; stride: number[]; padding: number[] | string; dilation: number[] } {
  return { kernel: [...w.kernel], stride: [...w.stride], padding: w.padding, dilation: [...w.dilation] };
}

export function windowFromAttrs(attrs: { kernel: number[]; stride: number[]; padding: number[] | string; dilation: number[] }): Window {
  return {
    kernel: [attrs.kernel[0]!, attrs.kernel[1]!],
    stride: [attrs.stride[0]!, attrs.stride[1]!],
    padding: attrs.padding === "same" ? "same" : (attrs.padding as number[]),
    dilation: [attrs.dilation[0]!, attrs.dilation[1]!],
  };
}
