import { maxPool2dIndices, maxUnpool2d } from "../engine/kernels/unpool.js";
import { ArgReader } from "./args.js";
import { poolParams, type PoolAttrs } from "./pool.js";
import { channels, requireImage, writtenShape } from "./shape.js";
import { ArgError, ShapeError, type OpDef } from "./types.js";
import { windowFromAttrs, windowShape } from "./window.js";

/** The window of the max pool whose indices it uses, copied from that pool by `indices=`. */
type MaxUnpoolAttrs = PoolAttrs;

/**
 * PyTorch's `nn.MaxUnpool2d` with the indices of a named max pool (SegNet's decoder): each
 * value goes back to where that pool took its maximum, at the size of the pool's input, and
 * every other position is zero. The layer reads the pool's input, which holds both the
 * indices (each window's first maximum) and the size.
 */
export const maxunpool: OpDef<MaxUnpoolAttrs> = {
  name: "maxunpool",
  aliases: ["maxunpool2d", "unpool"],
  category: "reshape",
  description: "max unpooling with the indices of a max pool above: maxunpool indices=POOL",
  inputs: "many",
  references: {
    indices(pool) {
      if (pool.op !== "maxpool") return `is not a maxpool (it is ${pool.op}); indices= names the max pool whose indices are used`;
      if (pool.inputs.length !== 1) return "reads several layers; the pool whose indices are used must read one";
      const { kernel, stride, padding, dilation, ceil, includePad } = pool.attrs;
      return { inputs: [pool.inputs[0]!], attrs: { kernel, stride, padding, dilation, ceil, includePad } as MaxUnpoolAttrs };
    },
  },
  compile(args) {
    const reader = new ArgReader(args, "maxunpool");
    const indices = reader.named("indices", "pool");
    reader.finish(["indices"]);
    if (!indices || indices.kind !== "word") throw new ArgError("maxunpool needs the max pool whose indices it uses", "write e.g. maxunpool indices=pool1", "indices");
    // The window itself is the pool's, filled in by `references.indices`.
    return {} as MaxUnpoolAttrs;
  },
  outShape(inputs, attrs) {
    const [h, w, c] = requireImage(inputs[0]!, "maxunpool");
    const poolInput = requireImage(inputs[1]!, "maxunpool indices=");
    const pooled = windowShape(windowFromAttrs(attrs), poolInput, "maxunpool", attrs.ceil);
    if (pooled[0] !== h || pooled[1] !== w || channels(poolInput) !== c) {
      throw new ShapeError(
        `maxunpool: its ${writtenShape([h, w, c])} input is not the size its pool made (${writtenShape([pooled[0], pooled[1], channels(poolInput)])})`,
        "unpool a tensor of the pool's output size and channels",
      );
    }
    return [poolInput[0], poolInput[1], c];
  },
  params: () => 0,
  macs: () => 0,
  receptive: (_inputs, attrs) => ({ kernel: [1, 1], stride: [1 / attrs.stride[0]!, 1 / attrs.stride[1]!] }),
  describe: (attrs) => `×${attrs.stride[0]}`,
  forward([x, poolInput], attrs, ctx) {
    const indices = maxPool2dIndices(poolInput!, poolParams(attrs, ctx.inputShapes[1]!));
    return maxUnpool2d(x!, indices, [ctx.inputShapes[1]![0]!, ctx.inputShapes[1]![1]!]);
  },
};
