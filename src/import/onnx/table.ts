import type { ArgValue } from "../../ops/types.js";
import type { ImportContext } from "./context.js";
import { floatData, type NodeProto } from "./decode.js";
import type { ConstValue } from "./values.js";

/**
 * A conv's connection table (LeNet-5's Table I, `conv … table=`), recovered from its
 * weight: an input map whose kernel plane is exactly zero for an output map is no
 * connection. netfig's export and a masked PyTorch conv both store those planes as zeros;
 * a trained (or seeded) plane of several weights is never exactly zero, but one weight
 * can be, so a 1x1 conv has no table. The parameters are then counted as the
 * paper counts them, connections only; a warning says so, since PyTorch's numel counts
 * the zeros too. Undefined when every plane has a nonzero weight, or the file holds no weights.
 */
export function connectionTable(ctx: ImportContext, node: NodeProto, weight: ConstValue & { dims: number[] }): ArgValue | undefined {
  const values = weight.source ? floatData(weight.source.tensor) : undefined;
  const [filters, inputs, kh, kw] = weight.dims as [number, number, number, number];
  const plane = kh * kw;
  if (!values || weight.dims.length !== 4 || weight.source?.perm || plane < 2) return undefined;
  const table: number[] = new Array<number>(inputs * filters).fill(0);
  for (let m = 0; m < filters; m++) {
    for (let c = 0; c < inputs; c++) {
      const start = (m * inputs + c) * plane;
      if (values.subarray(start, start + plane).some((v) => v !== 0)) table[c * filters + m] = 1;
    }
  }
  const connected = table.reduce((sum, v) => sum + v, 0);
  if (connected === table.length) return undefined;
  // A map connected to no input is a dead filter, not a table (conv table= refuses it): keep the plain conv.
  for (let m = 0; m < filters; m++) if (!table.some((v, i) => i % filters === m && v === 1)) return undefined;
  ctx.warn(node, `${table.length - connected} of its ${table.length} kernel planes are exactly zero: read as a connection table (table=), counting ${connected * plane} weights where PyTorch's numel counts ${table.length * plane}`);
  return { kind: "tensor", shape: [inputs, filters], data: table };
}
