import { getOp } from "../../ops/index.js";
import { arg, args, type ImportContext } from "./context.js";
import type { NodeProto } from "./decode.js";
import { data, unknown, type Mapper } from "./inputs.js";
import type { DataValue, Value } from "./values.js";
import type { OpArgs } from "../../ops/types.js";

/**
 * Max pooling with its indices and max unpooling with them (SegNet's decoder, PyTorch's
 * `MaxPool2d(return_indices=True)` and `MaxUnpool2d`): the unpool becomes
 * `maxunpool indices=POOL`, which reads the pool's input for both the indices and the size.
 */

/**
 * A MaxPool whose indices are read. netfig's own export computes them with a second
 * MaxPool of the same input whose values nothing reads: that is the pool already imported,
 * not another layer.
 */
export function maxPoolWithIndices(ctx: ImportContext, node: NodeProto, input: DataValue, poolArgs: OpArgs): Value[] {
  const attrs = JSON.stringify(getOp("maxpool").compile(poolArgs));
  const valuesRead = (ctx.consumers.get(node.output![0]!) ?? []).length > 0;
  const same = valuesRead ? undefined : ctx.nodes.find((n) => n.op === "maxpool" && n.inputs.length === 1 && n.inputs[0] === input.node && JSON.stringify(n.attrs) === attrs);
  const pooled: DataValue = same ? { kind: "data", node: same.id, shape: ctx.shapes.get(same.id) } : ctx.emit(node, "maxpool", poolArgs, [input]);
  return [pooled, { kind: "indices", pool: pooled.node, input }];
}

/** MaxUnpool (X, I, output_shape) with the indices of a pool of the same window: `maxunpool indices=POOL`. */
export const maxUnpool: Mapper = (ctx, node, a) => {
  const indices = ctx.value(node, 1);
  if (indices?.kind !== "indices") return unknown(ctx, node);
  const pool = ctx.nodes[ctx.positions.get(indices.pool)!]!;
  const { kernel, stride, padding, dilation, ceil, includePad } = pool.attrs;
  const sameWindow = a.ints("kernel_shape")?.join() === String(kernel) && (a.ints("strides") ?? [1, 1]).join() === String(stride);
  // output_shape, when the file gives one, must be the pool input's own size (PyTorch passes it; netfig unpools to it).
  const size = ctx.value(node, 2);
  const [h, w] = indices.input.shape ?? [];
  const sizeValues = size?.kind === "const" ? size.values : undefined;
  const poolInputSize = size === undefined || (sizeValues !== undefined && sizeValues.slice(-2).join() === [h, w].join());
  if (!sameWindow || !poolInputSize) return unknown(ctx, node);
  const window = { kernel, stride, padding, dilation, ceil, includePad };
  return ctx.emit(node, "maxunpool", args([], { indices: arg.word(pool.id) }), [data(ctx, node, 0), indices.input], { attrs: window });
};
