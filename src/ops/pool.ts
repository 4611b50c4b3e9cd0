import { ArgReader } from "./args.js";
import { channels, requireImage } from "./shape.js";
import { ArgError, type OpDef } from "./types.js";
import { adaptiveAvgPool2d, avgPool2d, globalAvgPool, globalMaxPool, lpPool2d, pool2dParams } from "../engine/kernels/pooling.js";
import type { ComputePool } from "../engine/pool.js";
import type { Tensor } from "../engine/tensor.js";
import type { Shape } from "./types.js";
import { describeWindow, effectiveKernel, readWindow, resolvePadding, windowAttrs, windowFromAttrs, windowReceptive, windowShape } from "./window.js";

export type PoolAttrs = {
  kernel: number[];
  stride: number[];
  padding: number[] | string;
  dilation: number[];
  /** PyTorch `ceil_mode`. */
  ceil: boolean;
  /** Average pools: whether padded zeros count in the mean (PyTorch `count_include_pad`, default true). */
  includePad: boolean;
};

/** The engine's pooling of each windowed kind, PyTorch's semantics. */
const POOL_KERNELS = {
  maxpool: (x: Tensor, p: ReturnType<typeof pool2dParams>, _includePad: boolean, pool: ComputePool) => pool.maxPool2d(x, p),
  avgpool: (x: Tensor, p: ReturnType<typeof pool2dParams>, includePad: boolean) => avgPool2d(x, p, includePad),
  l2pool: (x: Tensor, p: ReturnType<typeof pool2dParams>) => lpPool2d(x, 2, p),
};

/** The engine's window of a pool on an input of `input`'s size (same padding resolved). */
export function poolParams(attrs: PoolAttrs, input: Shape): ReturnType<typeof pool2dParams> {
  const window = windowFromAttrs(attrs);
  return pool2dParams({
    kernel: window.kernel,
    stride: window.stride,
    padding: resolvePadding(window, input[0]!, input[1]!),
    dilation: window.dilation,
    ceilMode: attrs.ceil,
  });
}

function poolOp(name: "maxpool" | "avgpool" | "l2pool", aliases: string[], description: string): OpDef<PoolAttrs> {
  return {
    name,
    aliases,
    category: "pool",
    description,
    inputs: "one",
    compile(args) {
      const reader = new ArgReader(args, name);
      const window = readWindow(reader, name, { stride: "kernel", kernelRequired: true });
      if (name !== "maxpool" && (window.dilation[0] > 1 || window.dilation[1] > 1)) {
        throw new ArgError(`${name} has no dilation (only maxpool does)`, undefined, "dilation");
      }
      if (Array.isArray(window.padding)) {
        const [kh, kw] = effectiveKernel(window);
        const [pt, pl, pb, pr] = window.padding;
        if (Math.max(pt!, pb!) * 2 > kh || Math.max(pl!, pr!) * 2 > kw) {
          throw new ArgError(`${name}: pad must be at most half the kernel (PyTorch's rule)`, undefined, "pad");
        }
      }
      const ceil = reader.flag("ceil");
      const includePad = !reader.flag("exclude_pad");
      reader.finish(["kernel", "stride", "pad", ...(name === "maxpool" ? ["dilation"] : []), "ceil", ...(name === "avgpool" ? ["exclude_pad"] : [])]);
      return { ...windowAttrs(window), ceil, includePad };
    },
    outShape([input], attrs) {
      const image = requireImage(input!, name);
      const [h, w] = windowShape(windowFromAttrs(attrs), image, name, attrs.ceil);
      return [h, w, channels(image)];
    },
    params: () => 0,
    macs: () => 0,
    receptive: (_inputs, attrs) => windowReceptive(windowFromAttrs(attrs)),
    describe: (attrs) => describeWindow(windowFromAttrs(attrs)),
    forward: ([x], attrs, ctx) => POOL_KERNELS[name](x!, poolParams(attrs, ctx.inputShapes[0]!), attrs.includePad, ctx.pool),
  };
}

export const maxpool = poolOp("maxpool", ["maxpool2d", "pool"], "max pooling: KxK[/S] pad= dilation= ceil (stride defaults to the kernel)");
export const avgpool = poolOp("avgpool", ["avgpool2d"], "average pooling: KxK[/S] pad= ceil exclude_pad");
export const l2pool = poolOp("l2pool", ["lppool"], "L2 pooling (square root of the sum of squares): KxK[/S] pad= ceil");

type GlobalPoolAttrs = Record<string, never>;

function globalPool(name: "globalavgpool" | "globalmaxpool", aliases: string[], description: string): OpDef<GlobalPoolAttrs> {
  return {
    name,
    aliases,
    category: "pool",
    description,
    inputs: "one",
    compile(args) {
      new ArgReader(args, name).finish();
      return {};
    },
    // PyTorch's AdaptiveAvgPool2d(1) keeps 1x1 spatial dimensions; fc accepts them as a vector.
    outShape([input]) {
      return [1, 1, channels(requireImage(input!, name))];
    },
    params: () => 0,
    macs: () => 0,
    receptive([input]) {
      const [h, w] = requireImage(input!, name);
      return { kernel: [h, w], stride: [h, w] };
    },
    forward: ([x]) => (name === "globalavgpool" ? globalAvgPool(x!) : globalMaxPool(x!)),
  };
}

export const globalavgpool = globalPool("globalavgpool", ["gap", "globalaveragepool"], "global average pooling to 1x1xC");
export const globalmaxpool = globalPool("globalmaxpool", ["gmp"], "global max pooling to 1x1xC");

type AdaptivePoolAttrs = { size: number[] };

/** PyTorch `AdaptiveAvgPool2d((h, w))`, as in torchvision's VGG and AlexNet heads. */
export const adaptiveavgpool: OpDef<AdaptivePoolAttrs> = {
  name: "adaptiveavgpool",
  category: "pool",
  description: "adaptive average pooling to a fixed HxW",
  inputs: "one",
  compile(args) {
    const reader = new ArgReader(args, "adaptiveavgpool");
    const size = reader.positional("dims", "number");
    if (!size) throw new ArgError("adaptiveavgpool needs an output size", "write e.g. adaptiveavgpool 7x7");
    const pair = size.kind === "number" ? [size.value, size.value] : size.kind === "dims" ? size.dims : [];
    if (pair.length !== 2 || pair.some((n) => !Number.isInteger(n) || n < 1)) throw new ArgError("adaptiveavgpool size must be N or HxW");
    reader.finish();
    return { size: pair };
  },
  outShape([input], attrs) {
    return [attrs.size[0]!, attrs.size[1]!, channels(requireImage(input!, "adaptiveavgpool"))];
  },
  params: () => 0,
  macs: () => 0,
  receptive([input], attrs) {
    const [h, w] = requireImage(input!, "adaptiveavgpool");
    const [oh, ow] = [attrs.size[0]!, attrs.size[1]!];
    return { kernel: [Math.ceil(h / oh), Math.ceil(w / ow)], stride: [Math.max(1, Math.floor(h / oh)), Math.max(1, Math.floor(w / ow))] };
  },
  describe: (attrs) => `→${attrs.size[0]}×${attrs.size[1]}`,
  forward: ([x], attrs) => adaptiveAvgPool2d(x!, [attrs.size[0]!, attrs.size[1]!]),
};
